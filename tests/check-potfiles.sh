#!/bin/sh
# Checks po/POTFILES.in: every file exists and xgettext extracts from all.
set -eu
src=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
grep -v '^#' "$src/po/POTFILES.in" | grep -v '^$' | while read -r f; do
  [ -f "$src/$f" ] || { echo "POTFILES.in names a missing file: $f"; exit 1; }
done
cd "$src"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dngettext:2,3 --add-comments --files-from=po/POTFILES.in -o "$out/tern.pot"
test -s "$out/tern.pot"
echo "ok: $(grep -c '^msgid' "$out/tern.pot") strings"
