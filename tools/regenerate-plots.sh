#!/usr/bin/env bash
# Regenerates the chart gallery in plots/: every example scenario's charts under
# plots/<scenario>/ (the benchmarks excluded), with the release build of this checkout.
#
#   bash tools/regenerate-plots.sh            # every scenario (several minutes: the at-scale
#                                             # sweep runs 100,000 clients)
#   bash tools/regenerate-plots.sh chat webhooks   # only these
#
# The charts are byte-identical from run to run and on any number of threads, so a diff in
# plots/ after this is a change in the pictures: review it (see docs/charts.md).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
rtsim=./target/release/rtsim
work=target/gallery
if [ "$#" -gt 0 ]; then
  files=()
  for name in "$@"; do files+=("scenarios/$name.yaml"); done
else
  files=(scenarios/*.yaml)
fi
for file in "${files[@]}"; do
  name=$(basename "$file" .yaml)
  case "$name" in bench-*) continue ;; esac
  rm -rf "plots/$name" "$work/$name"
  if grep -q '^sweep:' "$file"; then
    "$rtsim" sweep "$file" --out "$work/$name" --quiet > /dev/null
  else
    "$rtsim" run "$file" --out "$work/$name" --quiet > /dev/null
  fi
  mkdir -p "plots/$name"
  cp "$work/$name"/*.svg "plots/$name/"
  echo "plots/$name: $(ls "plots/$name" | wc -l) charts"
done
