#!/bin/bash
# Example: an rtsim sweep as a Slurm job array of 8 shards, then a merge job. Run it on the
# login node from a clone of rtsim (with your scenario in SCENARIO): bash docs/slurm-sweep.sh
#
# - rtsim is built once, here, and every task runs that binary (on a shared file system).
# - Each array task runs one shard (`--shard-from-env` reads SLURM_ARRAY_TASK_ID, less
#   SLURM_ARRAY_TASK_MIN, and SLURM_ARRAY_TASK_COUNT); shards are balanced by each point's
#   estimated cost. A threshold that fails on its points (exit 1) or a budget stop (exit 3)
#   still writes the shard's results, and the task succeeds: the merge judges them all.
# - The merge job depends on the array with `afterany`, so it always runs once every task
#   has ended, whatever became of them, and it is the one that fails when a threshold
#   failed (exit 1), a run stopped (3) or a shard's points are missing (2). This script
#   waits for it and exits with its code.
set -euo pipefail
SCENARIO=${SCENARIO:-scenarios/my-sweep.yaml}
SHARDS=8
cargo build --release --locked
RTSIM=$PWD/target/release/rtsim
mkdir -p out/logs
array=$(sbatch --parsable --job-name=rtsim-shard --array=0-$((SHARDS - 1)) \
  --cpus-per-task=2 --output=out/logs/shard-%a.log \
  --wrap="status=0; '$RTSIM' sweep '$SCENARIO' --shard-from-env --out out/part-\$SLURM_ARRAY_TASK_ID --progress-every 30s || status=\$?; [ \$status -eq 0 ] || [ \$status -eq 1 ] || [ \$status -eq 3 ]")
echo "shards: job array $array"
# --wait: sbatch returns when the merge ends, with its exit code.
sbatch --wait --job-name=rtsim-merge --dependency=afterany:"$array" \
  --output=out/logs/merge.log \
  --wrap="'$RTSIM' merge out/part-* --out out/sweep"
