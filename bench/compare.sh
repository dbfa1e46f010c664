#!/bin/sh
# compare.sh measures palmid's 1:N scans beside the reference programs of
# ../shared/bench in one run, and prints a table of times and ratios
# against the goals of issue 6 (section 4).
#
# Usage: bench/compare.sh            (1k, 100k and 1M galleries; about 15 minutes)
#        FULL=1 bench/compare.sh     (adds the 10M int8/binary galleries: 4.5 GiB,
#                                     then 3.3 GiB partitioned; building takes minutes)
#
# Needs gcc (with OpenMP), Go, and for FAISS /usr/bin/python3 with
# python3-faiss, python3-numpy and libopenblas0-openmp (apt-get install);
# FAISS is skipped with a note when missing. Raw outputs are kept in $OUT
# (default: a new temporary directory). Everything runs one after another
# on the same machine, so the ratios compare like with like; on a shared
# machine rerun a few times and compare the ratios, not the times.
set -eu
cd "$(dirname "$0")/.."
REF=${REF:-../shared/bench}
OUT=${OUT:-$(mktemp -d /tmp/palmid-bench.XXXXXX)}
COUNT=${COUNT:-3}
mkdir -p "$OUT"
echo "raw outputs in $OUT" >&2

echo "== memory bandwidth (membw.c)" >&2
gcc -O3 -march=native -fopenmp -ffast-math "$REF/membw.c" -o "$OUT/membw"
OMP_NUM_THREADS=1 "$OUT/membw" >"$OUT/membw1.txt"
OMP_NUM_THREADS=2 "$OUT/membw" >"$OUT/membw2.txt"

echo "== native C scans (scan.c)" >&2
gcc -O3 -march=native -ffast-math "$REF/scan.c" -o "$OUT/scan"
"$OUT/scan" >"$OUT/scan.txt"

echo "== Go benchmarks (match)" >&2
BENCH='Search1k$|Search100k$|Search1M$|SearchBatch1M$|ReferenceScan|PartitionSearch1M$'
if [ "${FULL:-0}" = 1 ]; then BENCH="$BENCH|Search10M\$|PartitionSearch10M\$"; fi
# The 10M galleries hold about 3.3 GiB; GOMEMLIMIT keeps the garbage of
# building them from doubling the heap.
GOMEMLIMIT=${GOMEMLIMIT:-4800MiB} go test -run '^$' -bench "$BENCH" -cpu 1,2 -count "$COUNT" -benchtime 3x -timeout 90m ./match >"$OUT/go.txt"

echo "== FAISS (faiss_bench.py)" >&2
SECS="flat1m sq1m bin1m"
if [ "${FULL:-0}" = 1 ]; then SECS="$SECS bin10m"; fi
if /usr/bin/python3 -c 'import faiss, numpy' 2>/dev/null; then
	LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp REPS=3 \
		/usr/bin/python3 "$REF/faiss_bench.py" $SECS >"$OUT/faiss.txt" 2>&1 || true
else
	echo "python3-faiss missing: FAISS skipped" >"$OUT/faiss.txt"
fi

/usr/bin/python3 bench/summarize.py "$OUT"
