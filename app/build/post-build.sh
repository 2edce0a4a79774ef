#!/bin/sh
# Trunk's post_build hook for both front doors. Trunk runs the hooks of one stage at the same
# time, so the steps that depend on each other run here in order: the inline boot script
# becomes a file first, then the service worker lists every file, that one included.
set -eu
here=$(dirname "$0")
sh "$here/boot.sh"
sh "$here/gen-sw.sh"
