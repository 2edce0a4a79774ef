#!/usr/bin/env bash
# Builds the app's two front doors with trunk (release): the field app into app/dist (served
# at /) and the console into app/dist/console (served at /console/), then writes the brotli
# and gzip copies the server sends. Trunk builds one HTML entry per run and empties its dist
# directory first, so the field app, whose dist holds the console's, is built first, and the
# copies are made last. Called by run.sh and test.sh.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$root/scripts/tools.sh"
cd "$root/app"

say "building the field app (trunk, wasm-release profile) into app/dist"
trunk build --release
say "building the console into app/dist/console"
# The HTML target comes first: `--release` takes an optional value.
trunk build console.html --release --dist dist/console --public-url /console/
say "precompressing app/dist (brotli, gzip)"
"$root/scripts/precompress.sh" dist
