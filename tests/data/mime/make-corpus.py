#!/usr/bin/env python3
"""Writes the MIME test corpus: NAME.eml plus NAME.expect (a GKeyFile with
the fields test-mime-parse checks). Run it from this directory; the output
is committed, so this is only needed to change the corpus."""
import base64, random

def w(name, data, expect):
    if isinstance(data, str):
        data = data.encode('utf-8')
    open(name + '.eml', 'wb').write(data)
    lines = ['[expect]'] + ['%s=%s' % kv for kv in expect.items()]
    open(name + '.expect', 'w', encoding='utf-8').write('\n'.join(lines) + '\n')

H = ('From: "Alice Example" <alice@example.org>\r\nTo: Bob <bob@example.net>, carol@example.com\r\n'
     'Date: Tue, 15 Nov 1994 08:12:31 -0500\r\nMessage-ID: <msg1@example.org>\r\nMIME-Version: 1.0\r\n')

w('plain', H + 'Subject: Hello plain\r\nCc: Dave <dave@example.com>\r\n'
  'In-Reply-To: <parent@example.org>\r\nReferences: <root@example.org>\r\n <parent@example.org>\r\n'
  'Content-Type: text/plain; charset=us-ascii\r\n\r\n'
  'Hi Bob,\r\n\r\nthe   meeting is   at noon.\r\n\r\n> quoted line\r\n-- \r\nAlice\r\n',
  dict(subject='Hello plain', from_name='Alice Example', from_address='alice@example.org',
       to='Bob <bob@example.net>, carol@example.com', cc='Dave <dave@example.com>', date='784905151',
       message_id='msg1@example.org', in_reply_to='parent@example.org', references='root@example.org;parent@example.org;',
       has_attachments='false', attachments='0', preview='Hi Bob, the meeting is at noon.',
       body_contains='meeting', render_contains='From: Alice Example <alice@example.org>'))

w('html-only', H + 'Subject: =?UTF-8?Q?Caf=C3=A9_news?=\r\nContent-Type: text/html; charset=utf-8\r\n'
  'Content-Transfer-Encoding: quoted-printable\r\n\r\n'
  '<html><head><style>p{color:red}</style><title>x</title></head><body><p>Caf=C3=A9 &amp; cr=C3=A8me</p>'
  '<script>alert(1)</script><p>second&nbsp;para &#8364;5</p></body></html>\r\n',
  dict(subject='Café news', preview='Café & crème second para €5', body_contains='crème',
       body_lacks='alert', render_contains='second para', has_html='true'))

w('alternative', H + 'Subject: Alt\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
  '--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nPlain version\r\n'
  '--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>HTML version</p>\r\n--alt--\r\n',
  dict(subject='Alt', preview='Plain version', has_html='true', attachments='0', html_contains='HTML version'))

png = base64.b64encode(b'\x89PNG\r\n\x1a\n' + bytes(range(256)) * 4).decode()
w('nested', H + 'Subject: Nested\r\nContent-Type: multipart/mixed; boundary="mix"\r\n\r\n'
  '--mix\r\nContent-Type: multipart/related; boundary="rel"\r\n\r\n'
  '--rel\r\nContent-Type: multipart/alternative; boundary="alt"\r\n\r\n'
  '--alt\r\nContent-Type: text/plain\r\n\r\nSee the logo.\r\n'
  '--alt\r\nContent-Type: text/html\r\n\r\n<p>See <img src="cid:logo@x"></p>\r\n--alt--\r\n'
  '--rel\r\nContent-Type: image/png\r\nContent-ID: <logo@x>\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  + png + '\r\n--rel--\r\n'
  '--mix\r\nContent-Type: application/pdf; name="report.pdf"\r\nContent-Disposition: attachment; filename="report.pdf"\r\n'
  'Content-Transfer-Encoding: base64\r\n\r\n' + base64.b64encode(b'%PDF-1.4 fake').decode() + '\r\n--mix--\r\n',
  dict(subject='Nested', preview='See the logo.', has_attachments='true', attachments='2',
       attachment0_path='1.2', attachment0_type='image/png', attachment0_cid='logo@x', attachment0_size='1032',
       attachment1_path='2', attachment1_name='report.pdf', attachment1_size='13', cid='logo@x'))

w('rfc2231-names', H + 'Subject: Names\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
  '--b\r\nContent-Type: text/plain\r\n\r\nFiles attached.\r\n'
  '--b\r\nContent-Type: application/octet-stream\r\n'
  "Content-Disposition: attachment;\r\n filename*0*=UTF-8''%C3%BCber%20die;\r\n filename*1*=%20Br%C3%BCcke.txt\r\n"
  'Content-Transfer-Encoding: base64\r\n\r\n' + base64.b64encode(b'hello').decode() + '\r\n'
  '--b\r\nContent-Type: text/plain; name="=?ISO-8859-1?Q?r=E9sum=E9.txt?="\r\nContent-Disposition: attachment\r\n\r\nCV\r\n'
  '--b\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename="../../etc/passwd"\r\n\r\nx\r\n--b--\r\n',
  dict(subject='Names', has_attachments='true', attachments='3', attachment0_name='über die Brücke.txt',
       attachment0_size='5', attachment1_name='résumé.txt', attachment2_name='passwd', render_contains='über die Brücke.txt'))

w('rfc822-attached', H + 'Subject: Fwd: inner\r\nContent-Type: multipart/mixed; boundary="o"\r\n\r\n'
  '--o\r\nContent-Type: text/plain\r\n\r\nForwarding this.\r\n'
  '--o\r\nContent-Type: message/rfc822\r\nContent-Disposition: attachment\r\n\r\n'
  'From: Inner <inner@example.org>\r\nSubject: Inner subject\r\nContent-Type: multipart/mixed; boundary="i"\r\n\r\n'
  '--i\r\nContent-Type: text/plain\r\n\r\nInner body\r\n--i\r\nContent-Type: image/gif; name="a.gif"\r\n\r\nGIF89a\r\n--i--\r\n'
  '--o--\r\n',
  dict(subject='Fwd: inner', preview='Forwarding this.', has_attachments='true', attachments='1',
       attachment0_type='message/rfc822', attachment0_name='Inner subject.eml', attachment0_path='2',
       part_2_2='GIF89a', body_lacks='Inner body'))

w('flowed', H + 'Subject: Flowed\r\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=no\r\n\r\n'
  'This is a long \r\nparagraph that \r\nflows.\r\n\r\n> quoted that \r\n> also flows\r\n-- \r\nsig\r\n',
  dict(subject='Flowed', body_contains='This is a long paragraph that flows.', preview='This is a long paragraph that flows.',
       render_contains='> quoted that also flows'))

w('latin1-as-utf8', H.replace('Alice Example', 'Ren\xe9') .encode('latin-1') + b'Subject: Gr\xfc\xdfe aus K\xf6ln\r\n'
  b'Content-Type: text/plain; charset=utf-8\r\n\r\nSch\xf6ne Gr\xfc\xdfe, \x93quoted\x94\r\n',
  dict(subject='Grüße aus Köln', from_name='René', body_contains='Schöne Grüße, “quoted”'))

w('utf8-as-ascii', H + 'Subject: =?us-ascii?Q?na=C3=AFve?=\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nnaïve café\r\n',
  dict(subject='naïve', body_contains='naïve café'))

w('unknown-charset', (H + 'Subject: =?x-klingon?Q?Qapla=E9?=\r\nContent-Type: text/plain; charset=x-klingon\r\n\r\n')
  .encode() + b'Qapla\xe9!\r\n', dict(subject='Qaplaé', body_contains='Qaplaé!'))

w('declared-latin1', H.encode() + b'Subject: =?iso-8859-1?q?=C0_bient=F4t?=\r\nContent-Type: text/plain; charset="ISO-8859-15"\r\n\r\n'
  b'\xa4 100 \xe0 bient\xf4t\r\n', dict(subject='À bientôt', body_contains='€ 100 à bientôt'))

w('eight-bit-headers', b'From: J\xc3\xbcrgen <j@example.de>\r\nTo: =?utf-8?B?w4ljb2xl?= <e@example.fr>\r\n'
  b'Subject: \xe4rger mit \xc3\xa4\r\nDate: not a date\r\n\r\nbody\r\n',
  dict(from_name='Jürgen', to='École <e@example.fr>', date='0', subject='ärger mit ä'))

w('missing-close-boundary', H + 'Subject: No end\r\nContent-Type: multipart/mixed; boundary="xyz"\r\n\r\n'
  '--xyz\r\nContent-Type: text/plain\r\n\r\nStill readable\r\n--xyz\r\nContent-Type: text/plain; name="t.txt"\r\n'
  'Content-Disposition: attachment\r\n\r\ntruncated', dict(subject='No end', preview='Still readable', attachments='1'))

w('quote-boundary', H + 'Subject: Quote boundary\r\nContent-Type: multipart/mixed; boundary="\\""\r\n\r\n'
  '--"\r\nContent-Type: text/plain\r\n\r\npart one\r\n--"--\r\n', dict(subject='Quote boundary'))

w('quote-boundary2', H + 'Subject: Quote boundary 2\r\nContent-Type: multipart/mixed; boundary="\r\n\r\n'
  '--"\r\nContent-Type: text/plain\r\n\r\npart\r\n', dict(subject='Quote boundary 2'))

w('no-boundary', H + 'Subject: No boundary\r\nContent-Type: multipart/mixed\r\n\r\n'
  '--abc\r\nContent-Type: text/plain\r\n\r\ntext\r\n--abc--\r\n', dict(subject='No boundary', body_contains='text'))

w('truncated-base64', H + 'Subject: Truncated\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
  '--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n'
  + base64.b64encode('Grüße und mehr Text hier'.encode()).decode()[:-5] + '\r\n'
  '--b\r\nContent-Type: image/jpeg; name=x.jpg\r\nContent-Transfer-Encoding: base64\r\n\r\n/9j/4AAQSkZJRgAB!!\r\n',
  dict(subject='Truncated', body_contains='Grüße', has_attachments='true'))

w('huge-header', H + 'Subject: ' + ('very long subject ' * 12000) + '\r\nX-Junk: ' + ('=?utf-8?q?' * 5000) + '\r\n\r\nbody\r\n',
  dict(subject_prefix='very long subject very long'))

bomb = H + 'Subject: Depth bomb\r\n'
for i in range(3000):
    bomb += 'Content-Type: multipart/mixed; boundary="d%d"\r\n\r\n--d%d\r\n' % (i, i)
bomb += 'Content-Type: text/plain\r\n\r\ndeep\r\n'
w('depth-bomb', bomb, dict(subject='Depth bomb'))

w('empty', b'', dict(error='mime'))
w('whitespace-only', b'\r\n\r\n   \r\n', dict(error='mime'))
rng = random.Random(42)
w('binary-garbage', bytes(rng.randrange(256) for _ in range(4096)), dict(utf8_only='true'))
w('headers-only', H + 'Subject: Only headers\r\nContent-Type: multipart/mixed; boundary=x\r\n',
  dict(subject='Only headers', headers_only='true', has_attachments='true'))
w('bare-lf', 'From: x@y.z\nSubject: LF only\n\nline one\nline two\n', dict(subject='LF only', from_address='x@y.z', preview='line one line two'))

# A subject is not a path: the name of an attached message keeps all of it.
w('rfc822-slash-subject', H + 'Subject: Fwd: slash\r\nContent-Type: multipart/mixed; boundary="o"\r\n\r\n'
  '--o\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n'
  '--o\r\nContent-Type: message/rfc822\r\n\r\n'
  'From: Inner <inner@example.org>\r\nSubject: Why text/plain body) breaks\\names\r\n\r\nInner body\r\n'
  '--o--\r\n',
  dict(subject='Fwd: slash', attachments='1', attachment0_type='message/rfc822',
       attachment0_name='Why text_plain body) breaks_names.eml'))

# No Date header, and one that cannot be read: no date here (the store then
# takes INTERNALDATE or the download time), never 1970 from a broken header.
w('no-date', 'From: x@y.z\r\nSubject: No date\r\n\r\nbody\r\n', dict(subject='No date', date='0'))
w('bad-date', 'From: x@y.z\r\nSubject: Bad date\r\nDate: the day after tomorrow\r\n\r\nbody\r\n',
  dict(subject='Bad date', date='0'))
w('epoch-date', 'From: x@y.z\r\nSubject: Before 1970\r\nDate: Wed, 31 Dec 1969 23:00:00 +0000\r\n\r\nbody\r\n',
  dict(subject='Before 1970', date='0'))
