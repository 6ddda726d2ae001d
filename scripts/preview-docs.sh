#!/usr/bin/env bash
# Regenerate the README's pictures of the workbook (docs/images/*.png) with `modelgen preview`:
# the shipped inputs are built, every sheet is rendered by LibreOffice and pdftoppm, and the
# first page of the Cover, Capex, PP&E, Profit Impact, Sensitivity and Charts sheets is kept. The build time on
# the Cover is the last commit of inputs/, so an unchanged model gives unchanged pictures.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct -- inputs 2>/dev/null || echo 0)
export SOURCE_DATE_EPOCH
python3 -m modelgen build --quiet --out "$tmp/capex_model.xlsx"
python3 -m modelgen preview "$tmp/capex_model.xlsx" --out "$tmp/preview" --resolution 80 >/dev/null

mkdir -p docs/images
for pair in Cover:cover Capex:capex PP_E:ppe Profit_Impact:profit-impact Sensitivity:sensitivity Charts:charts; do
  sheet=${pair%%:*}
  image=${pair#*:}
  found=("$tmp"/preview/[0-9][0-9]-"$sheet"-page1.png)
  cp "${found[0]}" "docs/images/$image.png"
  echo "docs/images/$image.png ($(wc -c <"docs/images/$image.png") bytes)"
done
# the Charts sheet's second page: the profit bridge and the vintage chart
cp "$tmp"/preview/[0-9][0-9]-Charts-page2.png docs/images/charts-bridge.png
echo "docs/images/charts-bridge.png ($(wc -c <docs/images/charts-bridge.png) bytes)"
