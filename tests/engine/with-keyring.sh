#!/bin/sh
# Runs a test with a private D-Bus session bus and an unlocked gnome-keyring
# in a throwaway home, so the libsecret path is tested against a real
# Secret Service without touching the user's keyring.
set -eu
if ! command -v dbus-run-session >/dev/null || ! command -v gnome-keyring-daemon >/dev/null; then
  exec "$@"
fi
home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_RUNTIME_DIR" && chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c '
  printf "tern-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 &&
  TERN_TEST_KEYRING=1 exec "$@"' sh "$@"
