#!/usr/bin/env bash
# Renders the icon's PNG sizes (hicolor theme layout) from assets/icons/io.github.sitwell.Sitwell.svg.
# Needs rsvg-convert (Debian: librsvg2-bin). The PNGs are committed; run this after editing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../assets/icons"
id=io.github.sitwell.Sitwell
for size in 16 22 24 32 48 64 128 256 512; do
  mkdir -p "hicolor/${size}x${size}/apps"
  rsvg-convert -w "$size" -h "$size" "$id.svg" -o "hicolor/${size}x${size}/apps/$id.png"
done
