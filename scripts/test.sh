#!/usr/bin/env bash
# Installs what the tests need (build tools, Chromium, Playwright) and runs every test: lints,
# unit tests, the HTTP contract against a real server process, and the browser end-to-end tests.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/tools.sh

# The CJK fonts make the Chinese screens render as text (not boxes) in screenshots, and keep
# text measurements (tap-target sizes) the same on every machine.
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/opentype/noto ]; then
  say "installing Debian's chromium and CJK fonts"
  sudo_=""; [ "$(id -u)" = 0 ] || sudo_=sudo
  $sudo_ apt-get update -qq
  $sudo_ apt-get install -y -qq chromium fonts-noto-cjk
fi
if [ ! -d tests/e2e/node_modules/playwright-core ]; then
  say "installing the end-to-end test dependencies (npm ci)"
  (cd tests/e2e && npm ci --silent --no-audit --no-fund)
fi

say "format and lints (native and wasm32)"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets -- -D warnings
cargo clippy -p huifang-app -p huifang-domain --target wasm32-unknown-unknown -- -D warnings

say "unit and API tests"
cargo build -p huifang-server
cargo test --workspace

say "centre benchmark, smoke size (its figures are printed, not asserted)"
cargo bench -p huifang-tests --bench centre --profile dev -- --smoke

scripts/build-app.sh
say "bundle sizes on the wire against their budgets"
scripts/size.sh

say "browser end-to-end tests (headless Chromium)"
HUIFANG_BIN="$root/target/debug/huifang" HUIFANG_STATIC_DIR="$root/app/dist" \
  node --test --test-concurrency=1 tests/e2e/
