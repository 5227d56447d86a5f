#!/usr/bin/env bash
# Renders every SVG chart in DIR (a run, tune or golden directory) to PNG beside it, with
# rsvg-convert (Debian: librsvg2-bin), so a person can look at them as a reader would.
set -euo pipefail
dir=${1:?usage: scripts/render-charts.sh DIR}
command -v rsvg-convert >/dev/null || { echo "render-charts: rsvg-convert missing (apt-get install librsvg2-bin)" >&2; exit 1; }
shopt -s nullglob
n=0
for svg in "$dir"/*.svg; do
  rsvg-convert --background-color=white -o "${svg%.svg}.png" "$svg"
  echo "${svg%.svg}.png"
  n=$((n + 1))
done
[ $n -gt 0 ] || { echo "render-charts: no .svg in $dir" >&2; exit 1; }
