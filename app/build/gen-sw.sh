#!/bin/sh
# Writes sw.js into trunk's staging directory from the template in public/sw.js, for the front
# door being built (index.html: the field app at /, console.html: the console at /console/),
# with
#  - the door and its base (trunk's public URL), the worker's scope;
#  - the version: a hash of every output file's name and content and of the template itself,
#    so any change to the door or the worker makes a new service worker with a cache of its
#    own, and an unchanged build keeps the old one;
#  - the precache list: exactly the files of this build (the boot script boot.sh made
#    included: post-build.sh runs this after it).
set -eu

staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
source_dir="${TRUNK_SOURCE_DIR:-.}"
base="${TRUNK_PUBLIC_URL:-/}"
case "$(basename "${TRUNK_HTML_FILE:-index.html}")" in
  index.html) door=field ;;
  console.html) door=console ;;
  *) echo "gen-sw: unknown front door $TRUNK_HTML_FILE" >&2; exit 1 ;;
esac
template="$source_dir/../public/sw.js"

cd "$staging"
rm -f sw.js

# Sorted for a stable hash; index.html is precached under "<base>index.html" like every other
# file.
files=$(find . -type f ! -name sw.js | sed 's|^\./||' | LC_ALL=C sort)
[ -n "$files" ] || { echo "gen-sw: staging directory is empty" >&2; exit 1; }

version=$( (for f in $files; do sha256sum "$f"; done; sha256sum < "$template") | sha256sum | cut -c1-16)
list=$(for f in $files; do printf '  "%s%s",\n' "$base" "$f"; done)

# awk rather than sed: the list spans lines and sed replacement strings would need escaping.
awk -v version="$version" -v list="$list" -v door="$door" -v base="$base" '
  /__HUIFANG_PRECACHE__/ { print list; next }
  {
    gsub(/__HUIFANG_VERSION__/, version)
    gsub(/__HUIFANG_DOOR__/, door)
    gsub(/__HUIFANG_BASE__/, base)
    print
  }
' "$template" > sw.js

echo "gen-sw: $door ($base) version $version, $(echo "$files" | wc -l) files precached"
