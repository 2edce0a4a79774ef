#!/usr/bin/env bash
# Prints the raw and gzipped size of the built app's wasm, js and css (after trunk build).
set -euo pipefail
dist="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/app/dist"
[ -f "$dist/index.html" ] || { echo "no build in $dist: run scripts/run.sh or trunk build first" >&2; exit 1; }
printf '%-40s %10s %10s\n' file bytes gzipped
for f in "$dist"/*.wasm "$dist"/*.js "$dist"/*.css; do
  [ -f "$f" ] || continue
  printf '%-40s %10d %10d\n' "$(basename "$f")" "$(stat -c %s "$f")" "$(gzip -9c "$f" | wc -c)"
done
