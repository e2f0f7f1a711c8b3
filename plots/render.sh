#!/usr/bin/env bash
# Regenerates the chart gallery: every example scenario's charts under plots/<scenario>/
# (the benchmarks excluded). Run from anywhere: `bash plots/render.sh`. Takes several
# minutes (the at-scale sweep runs 100,000 clients).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
rtsim=./target/release/rtsim
work=target/gallery
for file in scenarios/*.yaml; do
  name=$(basename "$file" .yaml)
  case "$name" in bench-*) continue ;; esac
  rm -rf "plots/$name" "$work/$name"
  if grep -q '^sweep:' "$file"; then
    "$rtsim" sweep "$file" --out "$work/$name" --quiet > /dev/null
  else
    "$rtsim" run "$file" --out "$work/$name" > /dev/null
  fi
  mkdir -p "plots/$name"
  cp "$work/$name"/*.svg "plots/$name/"
  echo "plots/$name: $(ls "plots/$name" | wc -l) charts"
done
