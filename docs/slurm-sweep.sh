#!/bin/bash
# Example: an rtsim sweep as a Slurm job array of 8 tasks; then, when all have finished,
#   rtsim merge out/part-* --out out/sweep
# `--shard-from-env` reads SLURM_ARRAY_TASK_ID (less SLURM_ARRAY_TASK_MIN) and
# SLURM_ARRAY_TASK_COUNT. Submit with: sbatch docs/slurm-sweep.sh
#SBATCH --job-name=rtsim-sweep
#SBATCH --array=0-7
#SBATCH --cpus-per-task=2
set -euo pipefail
./target/release/rtsim sweep scenarios/my-sweep.yaml --shard-from-env \
  --out "out/part-${SLURM_ARRAY_TASK_ID}" --quiet
