#!/usr/bin/env bash
# Builds the app and the server and starts Huifang on http://localhost:8080 with an embedded
# SQLite database (data/huifang.db) and demo data; the demo logins are printed on first start.
# HUIFANG_DEMO=0 starts without the demo: an empty database prints how to add the first admin.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source scripts/tools.sh

scripts/build-app.sh
say "building the server"
cargo build --release -p huifang-server
mkdir -p data
say "starting huifang on http://localhost:8080 (Ctrl-C stops it)"
exec target/release/huifang serve \
  --addr "${HUIFANG_ADDR:-127.0.0.1:8080}" \
  --db "${HUIFANG_DB:-data/huifang.db}" \
  --static-dir app/dist \
  $([ "${HUIFANG_DEMO:-1}" = 0 ] || echo --demo)
