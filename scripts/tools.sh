#!/usr/bin/env bash
# Installs the build tools the app needs, each only when the right version is missing, so a
# second run costs seconds. Sourced by run.sh and test.sh (it also puts the tools on PATH).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$root/.tools/node_modules/.bin:$HOME/.cargo/bin:$PATH"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*"; }

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# trunk 0.22 needs a newer rustc than this machine's 1.95.
trunk_version=0.21.14
if [ "$(trunk --version 2>/dev/null | awk '{print $2}')" != "$trunk_version" ]; then
  say "installing trunk $trunk_version (about 10 minutes, once)"
  cargo install trunk --version "$trunk_version" --locked
fi

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly. No --locked: the
# crates index here lacks some of its locked dependencies.
wb_version=$(awk '/^name = "wasm-bindgen"$/ {getline; gsub(/"/, "", $3); print $3; exit}' "$root/Cargo.lock")
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$wb_version" ]; then
  say "installing wasm-bindgen-cli $wb_version"
  cargo install wasm-bindgen-cli --version "=$wb_version"
fi

# Debian's binaryen 108 emits a module that never mounts; the npm build (132) is kept in
# .tools/ and put first on PATH. `wasm-opt --version` prints "wasm-opt version 132 (…)".
binaryen_version=132.0.0
if [ "$(wasm-opt --version 2>/dev/null | awk '{print $3}')" != "${binaryen_version%%.*}" ]; then
  say "installing binaryen $binaryen_version from npm into .tools/"
  npm install --silent --no-audit --no-fund --prefix "$root/.tools" "binaryen@$binaryen_version"
fi

# scripts/precompress.sh writes the .br copies the server sends; Debian's CLI is quality 11.
if ! command -v brotli >/dev/null; then
  say "installing Debian's brotli"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq brotli
fi
