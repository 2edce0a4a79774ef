#!/bin/sh
# Moves every inline <script> of the built index.html into a file of its own, named by its
# content (`boot-<hash>.js`, fingerprinted like trunk's files), and points the tag at it. The
# server's Content-Security-Policy allows scripts from 'self' only, and trunk writes the code
# that starts the wasm inline. Then checks that nothing inline is left: no script, no <style>,
# no style="" or on*="" attribute (the policy refuses them all).
set -eu

staging="${TRUNK_STAGING_DIR:?run by trunk as a post_build hook}"
public_url="${TRUNK_PUBLIC_URL:-/}"
cd "$staging"

# awk reads the whole page (trunk minifies it into one line or a few) and writes each inline
# script's body to inline-<n>.js, leaving a placeholder for its file name.
awk '
  { html = html (NR > 1 ? "\n" : "") $0 }
  END {
    n = 0
    out = ""
    while (match(html, /<script[^>]*>/)) {
      tag = substr(html, RSTART, RLENGTH)
      out = out substr(html, 1, RSTART - 1)
      html = substr(html, RSTART + RLENGTH)
      end_at = index(html, "</script>")
      if (end_at == 0) {
        print "boot: a <script> is not closed" > "/dev/stderr"
        exit 1
      }
      body = substr(html, 1, end_at - 1)
      html = substr(html, end_at + length("</script>"))
      if (tag ~ /[ \t\n]src=/) {
        out = out tag body "</script>"
        continue
      }
      n++
      file = "inline-" n ".js"
      printf "%s\n", body > file
      close(file)
      out = out substr(tag, 1, length(tag) - 1) " src=__HUIFANG_INLINE_" n "__></script>"
    }
    printf "%s", out html > "index.html.new"
  }
' index.html
mv index.html.new index.html

for file in inline-*.js; do
  [ -e "$file" ] || continue
  n=${file#inline-}
  n=${n%.js}
  name="boot-$(sha256sum "$file" | cut -c1-16).js"
  mv "$file" "$name"
  sed -i "s|__HUIFANG_INLINE_${n}__|${public_url}${name}|" index.html
  echo "boot: inline script $n is now $public_url$name"
done

# Anything inline left would be refused by the policy in the browser; refuse it here.
if grep -Eqi '<script[^>]*>[^<]|<style|[[:space:]]style=|[[:space:]]on[a-z]+=' index.html; then
  echo "boot: index.html still holds inline script or style:" >&2
  grep -Eoi '<script[^>]*>[^<]{0,40}|<style[^>]*>|[[:space:]](style|on[a-z]+)=[^ >]*' index.html >&2
  exit 1
fi
