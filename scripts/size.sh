#!/usr/bin/env bash
# Prints the raw, gzipped and brotli-compressed size of each front door's wasm, js and css
# after scripts/build-app.sh: what a device downloads for the field app and for the console.
# An argument names another built dist directory (another checkout's app/dist, say).
set -euo pipefail
dist="${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/app/dist}"
[ -f "$dist/index.html" ] || { echo "no build in $dist: run scripts/build-app.sh first" >&2; exit 1; }

# Browsers accept brotli and servers compress static files with it at its highest quality,
# so that column is closest to a tablet's download; gzip -9 is what every server can do.
if command -v brotli >/dev/null; then
  br() { brotli -c -q 11 "$1" | wc -c; }
else
  echo "brotli not found: install it (Debian: apt-get install brotli) for the brotli column" >&2
  br() { echo 0; }
fi

row() { printf '  %-44s %10s %10s %10s\n' "$@"; }

bundle() {
  local name=$1 dir=$2 raw=0 gz=0 bro=0 f r g b
  [ -f "$dir/index.html" ] || { echo "$name: not built ($dir)"; return; }
  echo "$name ($dir)"
  for f in "$dir"/*.wasm "$dir"/*.js "$dir"/*.css; do
    [ -f "$f" ] || continue
    r=$(stat -c %s "$f"); g=$(gzip -9c "$f" | wc -c); b=$(br "$f")
    row "$(basename "$f")" "$r" "$g" "$b"
    raw=$((raw + r)); gz=$((gz + g)); bro=$((bro + b))
  done
  row total "$raw" "$gz" "$bro"
}

row file bytes gzip brotli
bundle "field app" "$dist"
bundle console "$dist/console"
