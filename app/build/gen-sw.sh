#!/bin/sh
# Writes sw.js into trunk's staging directory from the template in public/sw.js, with
#  - the version: a hash of every output file's name and content and of the template itself,
#    so any change to the app or the worker makes a new service worker with a cache of its
#    own, and an unchanged build keeps the old one;
#  - the precache list: exactly the files of this build (the boot script boot.sh made
#    included: post-build.sh runs this after it).
# Only the field app's build makes one: the console (console.html) is cached by the same
# worker on first use, so its build gets no worker of its own.
set -eu

staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
source_dir="${TRUNK_SOURCE_DIR:-.}"
if [ "$(basename "${TRUNK_HTML_FILE:-index.html}")" != index.html ]; then
  echo "gen-sw: $(basename "$TRUNK_HTML_FILE") is not precached (the worker caches it on first use)"
  exit 0
fi
template="$source_dir/../public/sw.js"

cd "$staging"
rm -f sw.js

# Sorted for a stable hash; index.html is precached under "/index.html" like every other file.
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
[ -n "$files" ] || { echo "gen-sw: staging directory is empty" >&2; exit 1; }

version=$( (for f in $files; do sha256sum "$f"; done; sha256sum < "$template") | sha256sum | cut -c1-16)
list=$(for f in $files; do printf '  "/%s",\n' "$f"; done)

# awk rather than sed: the list spans lines and sed replacement strings would need escaping.
awk -v version="$version" -v list="$list" '
  /__HUIFANG_PRECACHE__/ { print list; next }
  { gsub(/__HUIFANG_VERSION__/, version); print }
' "$template" > sw.js

echo "gen-sw: version $version, $(echo "$files" | wc -l) files precached"
