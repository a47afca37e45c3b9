#!/usr/bin/env python3
"""The test harness's OAuth2 authorization server (issue 17), on loopback only.

Plays the provider's side for Tern's OAuth2 tests, with no internet:
  GET  /autoconfig  config-v1.1 XML asking for OAuth2 (after control/autoconfig)
  GET  /authorize   authorization endpoint: checks the PKCE request and
                    redirects at once to the client's loopback redirect_uri
                    with a code and the client's state (no login page: the
                    user is the login_hint)
  POST /token       token endpoint: authorization_code (checks the S256 code
                    verifier and redirect_uri) and refresh_token grants
  POST /introspect  RFC 7662 introspection, for Dovecot's passdb oauth2
                    (introspection_mode = post)
  POST /revoke      RFC 7009 revocation
  POST /control/... for the tests: mint (a refresh token), mint-access,
                    expire-access, revoke-all, expires-in, stats, tokens
Tokens expire only when a test says so (no clocks in tests). Usage:
  tern-test-oauth-server.py PORT_FILE   (writes the port it listens on)
"""
import base64
import hashlib
import json
import secrets
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

CLIENT_ID = "tern-test-client"
AUTOCONFIG = """<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="localhost">
    <domain>localhost</domain>
    <domain>oauth.test</domain>
    <incomingServer type="imap">
      <hostname>localhost</hostname><port>%s</port><socketType>SSL</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>localhost</hostname><port>%s</port><socketType>STARTTLS</socketType>
      <username>%%EMAILADDRESS%%</username>
      <authentication>OAuth2</authentication>
      <authentication>password-cleartext</authentication>
    </outgoingServer>
  </emailProvider>
</clientConfig>
"""

lock = threading.Lock()
codes = {}      # code -> dict(user, redirect_uri, challenge)
refresh = {}    # refresh token -> dict(user, revoked)
access = {}     # access token -> dict(user, active, refresh)
stats = {"exchanges": 0, "refreshes": 0, "introspections": 0, "refused_refreshes": 0,
         "revocations": 0}
config = {"expires_in": 3600}


def s256(verifier):
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def new_access(user, rt):
    token = "at-" + secrets.token_urlsafe(24)
    access[token] = {"user": user, "active": True, "refresh": rt}
    return token


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # never print tokens

    def reply(self, status, body, ctype="application/json", headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)

    def json(self, status, obj):
        self.reply(status, json.dumps(obj))

    def form(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        return {k: v[0] for k, v in parse_qs(raw, keep_blank_values=True).items()}

    def do_GET(self):
        url = urlparse(self.path)
        q = {k: v[0] for k, v in parse_qs(url.query).items()}
        if url.path == "/autoconfig" and "autoconfig" in config:
            return self.reply(200, config["autoconfig"], "application/xml")
        if url.path != "/authorize":
            return self.reply(404, "not found", "text/plain")
        redirect = q.get("redirect_uri", "")
        if (q.get("response_type") != "code" or q.get("client_id") != CLIENT_ID
                or q.get("code_challenge_method") != "S256" or not q.get("code_challenge")
                or not redirect.startswith("http://127.0.0.1:") or "state" not in q):
            return self.reply(400, "bad authorization request", "text/plain")
        code = "code-" + secrets.token_urlsafe(16)
        with lock:
            codes[code] = {"user": q.get("login_hint", "alice"), "redirect_uri": redirect,
                           "challenge": q["code_challenge"]}
        target = redirect + "?" + urlencode({"code": code, "state": q["state"]})
        self.reply(302, "", "text/plain", {"Location": target})

    def token(self, f):
        if f.get("client_id") != CLIENT_ID:
            return self.json(401, {"error": "invalid_client"})
        with lock:
            if f.get("grant_type") == "authorization_code":
                c = codes.pop(f.get("code", ""), None)
                if (c is None or c["redirect_uri"] != f.get("redirect_uri")
                        or s256(f.get("code_verifier", "")) != c["challenge"]):
                    return self.json(400, {"error": "invalid_grant"})
                stats["exchanges"] += 1
                rt = "rt-" + secrets.token_urlsafe(24)
                refresh[rt] = {"user": c["user"], "revoked": False}
                return self.json(200, {"access_token": new_access(c["user"], rt),
                                       "refresh_token": rt, "token_type": "Bearer",
                                       "expires_in": config["expires_in"]})
            if f.get("grant_type") == "refresh_token":
                r = refresh.get(f.get("refresh_token", ""))
                if r is None or r["revoked"]:
                    stats["refused_refreshes"] += 1
                    return self.json(400, {"error": "invalid_grant",
                                           "error_description": "Token has been revoked."})
                stats["refreshes"] += 1
                return self.json(200, {"access_token": new_access(r["user"],
                                                                  f["refresh_token"]),
                                       "token_type": "Bearer",
                                       "expires_in": config["expires_in"]})
        return self.json(400, {"error": "unsupported_grant_type"})

    def control(self, what, q):
        with lock:
            if what == "mint":
                rt = "rt-" + secrets.token_urlsafe(24)
                refresh[rt] = {"user": q.get("user", "alice"), "revoked": False}
                return self.reply(200, rt, "text/plain")
            if what == "mint-access":
                return self.reply(200, new_access(q.get("user", "alice"), None), "text/plain")
            if what == "expire-access":
                for a in access.values():
                    a["active"] = False
            elif what == "revoke-all":
                for r in refresh.values():
                    r["revoked"] = True
                for a in access.values():
                    a["active"] = False
            elif what == "autoconfig":
                # ISPDB-style settings that ask for OAuth2, as Gmail's do.
                config["autoconfig"] = AUTOCONFIG % (q["imap"], q["smtp"])
            elif what == "expires-in":
                config["expires_in"] = int(q.get("seconds", "3600"))
            elif what == "stats":
                return self.json(200, stats)
            elif what == "tokens":
                # Every token issued, for the tests' "never in a log" greps.
                return self.reply(200, "\n".join(list(access) + list(refresh)), "text/plain")
            else:
                return self.reply(404, "no such control", "text/plain")
        return self.reply(200, "ok", "text/plain")

    def do_POST(self):
        url = urlparse(self.path)
        f = self.form()
        if url.path == "/token":
            return self.token(f)
        if url.path == "/introspect":
            with lock:
                stats["introspections"] += 1
                a = access.get(f.get("token", ""))
                if a is None or not a["active"]:
                    return self.json(200, {"active": False})
                return self.json(200, {"active": True, "username": a["user"]})
        if url.path == "/revoke":
            with lock:
                t = f.get("token", "")
                if t in refresh:
                    refresh[t]["revoked"] = True
                    stats["revocations"] += 1
                for a in access.values():
                    if a["refresh"] == t:
                        a["active"] = False
            return self.reply(200, "", "text/plain")
        if url.path.startswith("/control/"):
            q = {k: v[0] for k, v in parse_qs(url.query).items()}
            return self.control(url.path[len("/control/"):], q)
        return self.reply(404, "not found", "text/plain")


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(sys.argv[1] + ".tmp", "w") as f:
        f.write(str(server.server_address[1]))
    import os
    os.rename(sys.argv[1] + ".tmp", sys.argv[1])
    server.serve_forever()


if __name__ == "__main__":
    main()
