#!/bin/sh
# vein's stage benchmarks beside OpenCV 4.6 on the same sizes
# (bench/cv_vein.py), interleaved ROUNDS times in one session; prints the
# median of each and palmid over OpenCV. Usage:
#   bench/vein_vs_cv.sh            # 3 rounds
#   ROUNDS=5 OUT=/tmp/vcv bench/vein_vs_cv.sh
set -e
cd "$(dirname "$0")/.."
ROUNDS=${ROUNDS:-3}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"
go test -c -o "$OUT/vein.test" ./vein
: >"$OUT/go.txt"
: >"$OUT/cv.txt"
uptime >"$OUT/uptime.txt"
for r in $(seq "$ROUNDS"); do
	(cd vein && "$OUT/vein.test" -test.run '^$' -test.bench 'Stage(CLAHE|Bilateral|FlatField)$|Blur640x480' \
		-test.benchmem -test.cpu 1 -test.count 2) >>"$OUT/go.txt"
	/usr/bin/python3 bench/cv_vein.py >>"$OUT/cv.txt"
done
uptime >>"$OUT/uptime.txt"
/usr/bin/python3 - "$OUT" <<'PY'
import re, statistics, sys
out = sys.argv[1]
go, cv = {}, {}
for line in open(out + "/go.txt"):
    m = re.match(r"Benchmark(\S+)\s+\d+\s+([\d.]+) ns/op", line)
    if m:
        go.setdefault(m.group(1), []).append(float(m.group(2)) / 1e3)
for line in open(out + "/cv.txt"):
    m = re.match(r"cv (\S+)\s+(.*?)\s+µs/call min\s+[\d.]+ med\s+([\d.]+)", line)
    if m:
        cv.setdefault(m.group(1), (m.group(2), []))[1].append(float(m.group(3)))
print(open(out + "/uptime.txt").read().strip())
print(f"{'benchmark':20s} {'palmid µs':>10s} {'(range)':>17s} {'OpenCV µs':>10s} {'(range)':>17s} {'ratio':>6s}  OpenCV case")
for name, (what, v) in cv.items():
    g = go.get(name.split("(")[0], [])
    if not g:
        continue
    gm, cm = statistics.median(g), statistics.median(v)
    print(f"{name:20s} {gm:10.1f} {min(g):8.1f}-{max(g):<8.1f} {cm:10.1f} {min(v):8.1f}-{max(v):<8.1f} {gm / cm:6.2f}  {what}")
PY
echo "raw outputs in $OUT"
