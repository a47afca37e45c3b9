"""ternatspi: drive the real `tern` over AT-SPI, as a person with a screen
reader or the keyboard would.

A Session gives the test its own world: an X server (Xvfb, unless the test
already runs under one), a private D-Bus session bus with its own AT-SPI
bus (at-spi-bus-launcher is activated on it), the harness's real mail
servers (tern-demo-servers: Dovecot, and Postfix as root), and `tern`
itself on an empty data directory. Helpers find accessibles by role and
name, type with real key events, click, and wait.

Nothing here measures time: every wait polls until a generous deadline
and says what it waited for when the deadline passes.

Use /usr/bin/python3 (the one with pyatspi). The environment must be set
before pyatspi is imported, so the module imports it in Session.start().
"""
import configparser
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

DEADLINE = float(os.environ.get("TERN_ATSPI_DEADLINE", "120"))
pyatspi = None


def log(*args):
    print("#", *args, flush=True)


class Timeout(AssertionError):
    pass


def wait_for(what, func, deadline=DEADLINE, interval=0.2):
    """Polls func() until it returns something true; returns that."""
    end = time.monotonic() + deadline
    last_error = None
    while time.monotonic() < end:
        try:
            value = func()
            if value:
                return value
        except Exception as e:  # the tree changes under us: try again
            last_error = e
        time.sleep(interval)
    raise Timeout("waited %.0f s for %s%s" % (deadline, what,
                  " (last error: %r)" % last_error if last_error else ""))


# ---- The accessible tree --------------------------------------------------

def role_name(acc):
    return acc.getRoleName()


def name_of(acc):
    try:
        return acc.name or ""
    except Exception:
        return ""


def children(acc):
    try:
        return [acc.getChildAtIndex(i) for i in range(acc.childCount)]
    except Exception:
        return []


def states(acc):
    return acc.getState()


def is_showing(acc):
    s = states(acc)
    return s.contains(pyatspi.STATE_SHOWING) and s.contains(pyatspi.STATE_VISIBLE)


def is_sensitive(acc):
    return states(acc).contains(pyatspi.STATE_SENSITIVE)


def walk(acc, showing_only=True, max_depth=60):
    """All descendants of acc (not acc), depth first; hidden subtrees are
    skipped when showing_only. Table cells beyond the first rows are not
    walked (a message list has thousands)."""
    stack = [(acc, 0)]
    while stack:
        node, depth = stack.pop()
        kids = children(node)
        if role_name(node) in ("table", "tree table", "tree") and len(kids) > 200:
            kids = kids[:200]
        for kid in reversed(kids):
            if kid is None:
                continue
            if showing_only and not is_showing(kid):
                continue
            yield kid
            if depth < max_depth:
                stack.append((kid, depth + 1))


def find_all(root, role=None, name=None, contains=None, showing_only=True):
    found = []
    for acc in walk(root, showing_only):
        if role is not None and role_name(acc) != role:
            continue
        n = name_of(acc)
        if name is not None and n != name:
            continue
        if contains is not None and contains not in n:
            continue
        found.append(acc)
    return found


def find(root, role=None, name=None, contains=None):
    hits = find_all(root, role, name, contains)
    return hits[0] if hits else None


def wait_find(root, role=None, name=None, contains=None, deadline=DEADLINE):
    what = "%s %r%s" % (role or "widget", name if name is not None else contains,
                        "" if name is not None else " (contains)")
    return wait_for(what, lambda: find(root() if callable(root) else root, role, name, contains),
                    deadline)


def text_of(acc):
    try:
        t = acc.queryText()
        return t.getText(0, t.characterCount)
    except NotImplementedError:
        return name_of(acc)


def labelled_field(window, label, role="text"):
    """The field a visible label names (GTK sets LABELLED_BY on mnemonic
    targets), i.e. the field's accessible name."""
    return wait_find(window, role, label)


def focused(root):
    for acc in walk(root):
        if states(acc).contains(pyatspi.STATE_FOCUSED):
            return acc
    return None


# ---- Acting as a person -------------------------------------------------------

def click(acc):
    """Activates a button, radio or check the way a screen-reader user does
    (its default action)."""
    action = acc.queryAction()
    for i in range(action.nActions):
        if action.getName(i) in ("click", "press", "activate", "toggle"):
            action.doAction(i)
            return
    action.doAction(0)


def focus(acc):
    acc.queryComponent().grabFocus()
    wait_for("focus on %s %r" % (role_name(acc), name_of(acc)),
             lambda: states(acc).contains(pyatspi.STATE_FOCUSED))


KEYSYMS = {"@": "at", ".": "period", "-": "minus", "_": "underscore", " ": "space"}


def key(keysym_name):
    """Presses and releases one key, e.g. "Return", "Tab"."""
    code = _keysym(keysym_name)
    pyatspi.Registry.generateKeyboardEvent(code, None, pyatspi.KEY_SYM)
    time.sleep(0.05)


def _keysym(name):
    import gi
    gi.require_version("Gdk", "3.0")
    from gi.repository import Gdk
    value = Gdk.keyval_from_name(name)
    if value in (0, 0xffffff):
        raise ValueError("no keysym %r" % name)
    return value


def type_text(acc, text):
    """Focuses the field, clears it, and types text with key events (the
    X server's, through AT-SPI). Checks that the field shows it."""
    focus(acc)
    count = len(text_of(acc))
    if count:
        acc.queryEditableText().deleteText(0, count)
    for ch in text:
        key(KEYSYMS.get(ch, ch))
    protected = role_name(acc) == "password text"
    wait_for("%r typed into %r" % ("*" * len(text) if protected else text, name_of(acc)),
             lambda: len(text_of(acc)) == len(text) if protected else text_of(acc) == text)


def _select_all(acc):
    try:
        acc.queryText().setSelection(0, 0, acc.queryText().characterCount)
        return True
    except Exception:
        return False


# ---- The session ------------------------------------------------------------------

class Session:
    """One private world for one test. Use as a context manager."""

    def __init__(self, messages=40, servers=True):
        self.messages = messages
        self.want_servers = servers
        self.procs = []
        self.tmp = tempfile.mkdtemp(prefix="tern-atspi-")
        self.data_dir = os.path.join(self.tmp, "data")
        self.info = None
        self.tern = None

    # -- setup
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def _spawn(self, argv, env=None, **kw):
        # Never the test's own stdout: meson reads it to its end, and a
        # child holding it open would keep the test from ending.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", self._log_file())
        p = subprocess.Popen(argv, env=env or os.environ, start_new_session=True, **kw)
        self.procs.append(p)
        return p

    def _log_file(self):
        if not hasattr(self, "_log"):
            self._log = open(os.path.join(self.tmp, "children.log"), "w")
        return self._log

    def children_log(self):
        """What the servers, buses and tern wrote to stderr."""
        self._log.flush()
        with open(self._log.name) as f:
            return f.read()

    def _start_x(self):
        if os.environ.get("DISPLAY"):
            return
        r, w = os.pipe()
        self._spawn(["Xvfb", "-displayfd", str(w), "-screen", "0", "1280x1024x24", "-nolisten", "tcp"],
                    pass_fds=(w,))
        os.close(w)
        with os.fdopen(r) as f:
            number = f.readline().strip()
        os.environ["DISPLAY"] = ":" + number
        log("Xvfb on", os.environ["DISPLAY"])

    def _start_bus(self):
        p = self._spawn(["dbus-daemon", "--session", "--nofork", "--print-address=1"],
                        stdout=subprocess.PIPE, text=True)
        address = p.stdout.readline().strip()
        if not address:
            raise RuntimeError("dbus-daemon did not start")
        os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
        os.environ.pop("AT_SPI_BUS_ADDRESS", None)
        os.environ.pop("NO_AT_BRIDGE", None)
        # The AT-SPI bus of this session, before pyatspi or tern ask for it.
        self._spawn(["/usr/libexec/at-spi-bus-launcher", "--launch-immediately"])
        log("session bus", address)

    def start(self):
        global pyatspi
        # meson's timeout sends SIGTERM: clean up the servers and buses then too.
        signal.signal(signal.SIGTERM, lambda *a: sys.exit(143))
        os.environ["GSETTINGS_BACKEND"] = "memory"
        # fatal-criticals is for tern, not for pyatspi's own warnings here.
        self.tern_debug = os.environ.pop("G_DEBUG", None)
        self._start_x()
        self._start_bus()
        import pyatspi as _pyatspi
        pyatspi = _pyatspi
        wait_for("the AT-SPI registry", lambda: pyatspi.Registry.getDesktop(0) is not None)
        if self.want_servers:
            self._start_servers()

    def _start_servers(self):
        tool = os.environ["TERN_DEMO_SERVERS"]
        info = os.path.join(self.tmp, "servers.ini")
        p = self._spawn([tool, "--info", info, "--messages", str(self.messages)],
                        stdout=subprocess.PIPE, text=True)
        def ready():
            line = p.stdout.readline()
            if line == "":
                raise RuntimeError("tern-demo-servers ended: %s" % self.children_log()[-2000:])
            return line.strip() == "ready"
        wait_for("tern-demo-servers to say ready", ready, deadline=300)
        kf = configparser.ConfigParser(interpolation=None)
        kf.read(info)
        self.info = kf["demo"]
        log("servers up: imaps", self.info["imaps_port"], "pop3s", self.info["pop3s_port"],
            "smtp", self.info.get("smtp"))

    def port(self, key):
        return int(self.info[key])

    def has_smtp(self):
        return self.info is not None and self.info.get("smtp") == "true"

    def start_tern(self, extra_env=None):
        env = dict(os.environ)
        env.update({"TERN_DATA_DIR": self.data_dir, "TERN_PASSWORD_STORE": "file",
                    "GTK_A11Y": "atk"})
        env.pop("TERN_NO_WIZARD", None)
        if self.tern_debug:
            env["G_DEBUG"] = self.tern_debug
        env.update(extra_env or {})
        os.makedirs(self.data_dir, exist_ok=True)
        self.tern = self._spawn([os.environ["TERN_APP"]], env=env)
        return self.app()

    def app(self):
        def look():
            if self.tern is not None and self.tern.poll() is not None:
                raise AssertionError("tern exited with %s" % self.tern.returncode)
            desktop = pyatspi.Registry.getDesktop(0)
            for a in children(desktop):
                if a is not None and name_of(a) in ("tern", "Tern"):
                    return a
            return None
        return wait_for("tern on the AT-SPI bus", look)

    def window(self, title=None, contains=None):
        """A showing top-level window of tern (frame or dialog)."""
        def look():
            for w in children(self.app()):
                if w is None or role_name(w) not in ("frame", "dialog", "alert", "window"):
                    continue
                if not states(w).contains(pyatspi.STATE_SHOWING):
                    continue
                n = name_of(w)
                if (title is None or n == title) and (contains is None or contains in n):
                    return w
            return None
        return wait_for("window %r" % (title or contains), look)

    def no_window(self, title):
        def gone():
            for w in children(self.app()):
                if w is not None and name_of(w) == title and states(w).contains(pyatspi.STATE_SHOWING):
                    return False
            return True
        wait_for("window %r to close" % title, gone)

    def screenshot(self, name):
        out = os.environ.get("TERN_ATSPI_SCREENSHOTS")
        if not out:
            return
        os.makedirs(out, exist_ok=True)
        path = os.path.join(out, name + ".png")
        subprocess.run(["import", "-window", "root", path], check=False,
                       stderr=subprocess.DEVNULL)
        log("screenshot", path)

    # -- teardown
    def stop(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    os.killpg(p.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        for p in reversed(self.procs):
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
        if os.environ.get("TERN_ATSPI_KEEP"):
            log("kept", self.tmp)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)


# ---- TAP output ---------------------------------------------------------------------

class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def run(self, name, func, *args, todo=None):
        """One TAP test; with todo, a failure is reported as TODO (known,
        not counted as failing)."""
        self.n += 1
        try:
            func(*args)
            print("ok %d %s" % (self.n, name), flush=True)
        except Skip as s:
            print("ok %d %s # SKIP %s" % (self.n, name, s), flush=True)
        except Exception:
            import traceback
            for line in traceback.format_exc().splitlines():
                print("# " + line)
            if todo:
                print("not ok %d %s # TODO %s" % (self.n, name, todo), flush=True)
            else:
                self.failed += 1
                print("not ok %d %s" % (self.n, name), flush=True)

    def run_isolated(self, name, script):
        """Runs `script name` in a process of its own: pyatspi stays on the
        AT-SPI bus it first met, so each Session needs a fresh process."""
        self.n += 1
        r = subprocess.run([sys.executable, script, name], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, text=True)
        skip = None
        for line in r.stdout.splitlines():
            if line.startswith("ok ") and "# SKIP" in line:
                skip = line.split("# SKIP", 1)[1].strip()
            if not line.startswith(("ok ", "not ok ", "1..")):
                print(line if line.startswith("#") else "# " + line)
        if r.returncode == 0:
            print("ok %d %s%s" % (self.n, name, " # SKIP " + skip if skip else ""), flush=True)
        else:
            self.failed += 1
            print("not ok %d %s" % (self.n, name), flush=True)

    def done(self):
        print("1..%d" % self.n, flush=True)
        sys.exit(1 if self.failed else 0)


class Skip(Exception):
    pass
