#!/usr/bin/python3
"""AT-SPI audit (issue 18): every focusable widget of the main window, the
account wizard (all its pages, shown or not) and the composer has a
non-empty accessible name. The test lists the offenders by role, the
window, and the path of roles and names that leads to them."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ternatspi as T  # noqa: E402

# Containers whose children are data rows, named by their content.
DATA = ("table", "tree table", "tree", "list", "document web", "html container")


def offenders(root, showing_only):
    found = []

    def visit(acc, path):
        for kid in T.children(acc):
            if kid is None:
                continue
            if showing_only and not T.is_showing(kid):
                continue
            role = T.role_name(kid)
            here = path + ["%s %r" % (role, T.name_of(kid))]
            s = T.states(kid)
            if (s.contains(T.pyatspi.STATE_FOCUSABLE) and role not in ("table cell", "frame", "dialog")
                    and not T.name_of(kid).strip()):
                found.append(" > ".join(here[-4:]))
            if role in DATA:
                continue
            visit(kid, here)
    visit(root, [])
    return found


def report(where, found):
    for line in found:
        T.log("offender in %s: %s" % (where, line))
    return found


def audit_wizard(s):
    wizard = s.window("Add Mail Account")
    found = report("the wizard", offenders(wizard, showing_only=False))
    assert not found, "%d focusable widgets without a name in the wizard" % len(found)


def audit_main_window(s):
    window = s.window("Tern", contains=None)
    found = report("the main window", offenders(window, showing_only=True))
    assert not found, "%d focusable widgets without a name in the main window" % len(found)


def audit_composer(s):
    window = s.window("Tern")
    T.focus(T.find(window, "table", "Messages") or T.find(window, "tree table", "Folders"))
    new = T.wait_find(window, "push button", contains="New")
    T.click(new)
    composer = T.wait_for("the composer", lambda: next(
        (w for w in T.children(s.app()) if w is not None and T.role_name(w) == "frame"
         and T.name_of(w) != "Tern" and T.is_showing(w)), None))
    found = report("the composer", offenders(composer, showing_only=True))
    assert not found, "%d focusable widgets without a name in the composer" % len(found)


if __name__ == "__main__":
    tap = T.Tap()
    with T.Session(servers=False) as s:
        s.start_tern()
        tap.run("wizard", audit_wizard, s)
        T.click(T.wait_find(s.window("Add Mail Account"), "push button", "Cancel"))
        s.no_window("Add Mail Account")
        tap.run("main-window", audit_main_window, s)
        tap.run("composer", audit_composer, s)
    tap.done()
