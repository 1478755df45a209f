#!/usr/bin/env bash
# A sweep run as N shards with GNU parallel, one shard per job, then put back together with
# --merge: the output is byte for byte what one unsharded run prints.
#
#   examples/parallel/sweep-shards.sh N OUTDIR SWEEP OPTIONS...
#   examples/parallel/sweep-shards.sh 8 shards --model azure-2026-02 --x retry.attempts=0:6:7 --y timeout=1:30:30 > sweep.csv
#
# Shards go to OUTDIR/shard-I.csv (or .json with --format json), each shard's messages to
# OUTDIR/shard-I.csv.err; the whole sweep to stdout.
# PARALLEL_JOBS: jobs at once (default one per core). SSHLOGIN: hosts to run on as well, in GNU
# parallel's --sshlogin form, e.g. "4/build1,4/build2,:" (":" is this machine); each host needs
# this repository, installed (npm ci), at the same path. Shards' outputs come back over ssh.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 N OUTDIR SWEEP OPTIONS..." >&2
  exit 2
fi
shards=$1
out=$(realpath -m "$2")
shift 2
case $shards in '' | *[!0-9]* | 0) echo "$0: N must be a whole number of at least 1" >&2; exit 2 ;; esac
format=csv
prev=
for a in "$@"; do
  if [ "$a" = --format=json ] || { [ "$prev" = --format ] && [ "$a" = json ]; }; then format=json; fi
  prev=$a
done
cd "$(dirname "$0")/../.."
mkdir -p "$out"
remote=()
if [ -n "${SSHLOGIN:-}" ]; then remote=(--sshlogin "$SSHLOGIN" --workdir "$PWD"); fi
# -q passes every option through as one word (an axis like breaker=* stays as written);
# --results writes each job's stdout to the file named, locally even for a job run over ssh
# (without an extension: a --results name ending in .csv or .json asks parallel for a table).
parallel -q --halt now,fail=1 --jobs "${PARALLEL_JOBS:-100%}" "${remote[@]}" --results "$out/shard-{}" \
  npm run -s sweep -- "$@" --workers 1 --shard "{}/$shards" ::: $(seq 1 "$shards") > /dev/null
merge=()
for i in $(seq 1 "$shards"); do
  mv "$out/shard-$i" "$out/shard-$i.$format"
  mv "$out/shard-$i.err" "$out/shard-$i.$format.err"
  rm -f "$out/shard-$i.seq"
  merge+=(--merge "$out/shard-$i.$format")
done
npm run -s sweep -- "$@" "${merge[@]}"
