#!/usr/bin/env bash
# Pictures for docs/reports.md, made from the current code (needs poppler-utils, chromium and graphviz):
#   bash docs/img/pictures.sh        (from the top of the checkout, with biotm installed)
# The XLSX picture has its own script: docs/img/register_picture.py.
set -euo pipefail
cd "$(dirname "$0")/../.."
img=docs/img
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sim=scenarios/china-sim-registration.yaml
today=(--today 2026-01-01)
shot() {  # shot FILE.html OUT.png WIDTH HEIGHT
  chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="$3,$4" \
    --screenshot="$2" "file://$(realpath "$1")" 2>/dev/null
}
picture() {  # picture FILE.svg OUT.png WIDTH: the whole drawing scaled to WIDTH pixels
  height=$(python -c 'import re,sys; w,h=map(float,re.search(r"viewBox=\"[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)",open(sys.argv[1]).read(4000)).groups()); print(int(int(sys.argv[2])*h/w)+1)' "$1" "$3")
  printf '<body style="margin:0;background:#fff"><img src="%s" style="width:%spx;display:block"></body>' \
    "$(basename "$1")" "$3" > "$1.html"
  shot "$1.html" "$2" "$3" "$height"
}

# PDF: cover, management summary and charts side by side
biotm analyze "$sim" -o "$work/sim.pdf" "${today[@]}" >/dev/null || [ $? -eq 1 ]
pdftoppm -r 40 -png -f 1 -l 3 "$work/sim.pdf" "$work/page"
# DPIA: its first page
biotm dpia "$sim" -o "$work/dpia.pdf" "${today[@]}" >/dev/null
pdftoppm -r 36 -png -f 1 -l 1 "$work/dpia.pdf" "$work/dpia"
python - "$work" "$img" <<'PY'
import glob, sys
from PIL import Image
work, img = sys.argv[1], sys.argv[2]
pages = [Image.open(p).convert("RGB") for p in sorted(glob.glob(f"{work}/page-*.png"))]
w, h = pages[0].size
sheet = Image.new("RGB", (w * len(pages) + 10 * (len(pages) - 1), h), "#9e9e9e")
for i, page in enumerate(pages):
    sheet.paste(page, (i * (w + 10), 0))
sheet.save(f"{img}/pdf-pages.png", optimize=True)
Image.open(glob.glob(f"{work}/dpia-*.png")[0]).convert("RGB").save(f"{img}/dpia.png", optimize=True)
PY

# HTML: the cover block and management summary
biotm analyze "$sim" -o "$work/sim.html" "${today[@]}" >/dev/null || [ $? -eq 1 ]
shot "$work/sim.html" "$img/html-report.png" 800 655

# Diagrams: Graphviz and the built-in layout of the SIM scenario, the overview of a 2,000-element model
biotm diagram "$sim" -o "$work/dfd.svg"
picture "$work/dfd.svg" "$img/diagram.png" 1000
BIOTM_DIAGRAM=python biotm diagram "$sim" -o "$work/dfd-builtin.svg"
picture "$work/dfd-builtin.svg" "$img/diagram-builtin.png" 1200
biotm generate --elements 2000 --seed 1 -o "$work/big.yaml" >/dev/null
biotm diagram "$work/big.yaml" -o "$work/overview.svg"
picture "$work/overview.svg" "$img/diagram-overview.png" 1000
echo "pictures written to $img"
