#!/bin/sh
# The stylesheet must parse: GTK only warns at run time, and a broken rule
# silently drops the rest of the file.
set -eu
python3 - "$1" <<'PY'
import sys
s = open(sys.argv[1]).read()
depth = 0
for i, c in enumerate(s):
    if c == '{': depth += 1
    elif c == '}': depth -= 1
    if depth < 0 or depth > 1:
        sys.exit(f"unbalanced braces at offset {i}")
if depth != 0:
    sys.exit("unbalanced braces at end of file")
PY
