#!/usr/bin/python3
"""The account wizard's OAuth2 sign-in over AT-SPI (issue 17), as a
screen-reader user meets it: for a Gmail address the password field gives
way to "Sign in with Google" with its one line on why, and in a build
without a Google client id pressing it says what to configure
(oauth2-clients) instead of opening a browser or crashing. The browser
step itself is tested in test-account-wizard-oauth: the real providers
need the internet."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ternatspi as T  # noqa: E402


def sign_in_instead_of_password(s):
    wizard = s.window("Add Mail Account")
    T.type_text(T.labelled_field(wizard, "Email address"), "alice@gmail.com")
    button = T.wait_find(wizard, "push button", "Sign in with Google")
    assert T.is_sensitive(button), "the sign-in button is not sensitive"
    T.wait_find(wizard, "label", contains="asks you to sign in on its own page")
    assert T.find(wizard, "password text") is None, "the password field still shows"
    nxt = T.find(wizard, "push button", "Next")
    assert nxt is not None and not T.is_sensitive(nxt), "Next works before signing in"
    s.screenshot("atspi-oauth-1-sign-in")
    T.click(button)
    T.wait_find(wizard, "label", contains="oauth2-clients")
    s.screenshot("atspi-oauth-2-no-client-id")


def password_comes_back(s):
    wizard = s.window("Add Mail Account")
    field = T.labelled_field(wizard, "Email address")
    T.type_text(field, "alice@example.com")
    T.labelled_field(wizard, "Password", "password text")
    assert T.find(wizard, "push button", contains="Sign in with") is None, \
        "the sign-in button still shows for a password provider"


if __name__ == "__main__":
    tap = T.Tap()
    with T.Session(servers=False) as s:
        s.start_tern()
        tap.run("sign-in-instead-of-password", sign_in_instead_of_password, s)
        tap.run("password-comes-back", password_comes_back, s)
    tap.done()
