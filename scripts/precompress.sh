#!/usr/bin/env bash
# Writes a brotli (.br, quality 11) and a gzip (.gz, level 9) copy beside every compressible
# file of a built app directory, console included: the server sends the copy a browser
# accepts, so tablets download the wasm at a third of its size and nothing is compressed while
# a request waits. Called by build-app.sh after both trunk builds; safe to run again: a copy
# newer than its file is kept, a copy whose file is gone is removed.
set -euo pipefail
dist="${1:?usage: scripts/precompress.sh <built app directory, e.g. app/dist>}"
[ -d "$dist" ] || { echo "precompress: no directory $dist" >&2; exit 1; }
command -v brotli >/dev/null || {
  echo "precompress: brotli not found (scripts/tools.sh installs Debian's brotli)" >&2
  exit 1
}

# Copies left half-written by an interrupted run, and copies of files a new build dropped.
find "$dist" -type f -name '*.part' -delete
find "$dist" -type f \( -name '*.br' -o -name '*.gz' \) -print0 |
  while IFS= read -r -d '' copy; do
    [ -e "${copy%.*}" ] || rm -f -- "$copy"
  done

# Images (png) are compressed already; everything text-like or wasm shrinks.
find "$dist" -type f \( -name '*.wasm' -o -name '*.js' -o -name '*.css' -o -name '*.html' \
  -o -name '*.svg' -o -name '*.webmanifest' -o -name '*.json' \) -print0 |
  while IFS= read -r -d '' file; do
    # Written through stdout, so a copy's time is when it was made (brotli -o would copy the
    # source's time and every run would compress again); renamed once complete.
    if [ ! "$file.br" -nt "$file" ]; then
      brotli -c -q 11 -- "$file" >"$file.br.part"
      mv -f -- "$file.br.part" "$file.br"
    fi
    if [ ! "$file.gz" -nt "$file" ]; then
      gzip -c -9 -n -- "$file" >"$file.gz.part"
      mv -f -- "$file.gz.part" "$file.gz"
    fi
  done
