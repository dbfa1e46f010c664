#!/usr/bin/python3
"""Summarise the raw outputs of bench/compare.sh: one table of palmid's
search times beside the memory-bandwidth floor, native C scans and FAISS,
with the ratios that issue 6 sets goals for. Usage: summarize.py OUTDIR"""
import os
import re
import statistics
import sys

out = sys.argv[1]


def read(name):
    try:
        with open(os.path.join(out, name)) as f:
            return f.read()
    except FileNotFoundError:
        return ""


def bandwidth(text, which="median"):
    """Read bandwidth in GB/s (median or max of membw's repetitions): the
    faster of the int64 and float32 sums."""
    v = [float(m[0] if which == "median" else m[1]) for m in re.findall(r"GB/s: min \S+ median (\S+) max (\S+)", text)]
    return max(v) if v else None


bw = {1: bandwidth(read("membw1.txt")), 2: bandwidth(read("membw2.txt"))}
bwmax = {1: bandwidth(read("membw1.txt"), "max"), 2: bandwidth(read("membw2.txt"), "max")}

cscan = {}
for m in re.finditer(r"^(float32|int8|Hamming)\S* .*?med\s+(\S+)", read("scan.txt"), re.M):
    cscan[{"float32": "float32", "int8": "int8", "Hamming": "binary"}[m.group(1)]] = float(m.group(2))

# Go benchmarks: name -> cores -> [ms/query, ...]
gob = {}
for m in re.finditer(r"^Benchmark(\S+?)(?:-(\d+))?\s+\d+\s+.*?([\d.]+) ms/query", read("go.txt"), re.M):
    gob.setdefault(m.group(1), {}).setdefault(int(m.group(2) or 1), []).append(float(m.group(3)))
goref = {}
for m in re.finditer(r"^BenchmarkReferenceScan/(\S+?)(?:-(\d+))?\s+\d+\s+([\d.]+) ns/op", read("go.txt"), re.M):
    goref.setdefault(m.group(1), {}).setdefault(int(m.group(2) or 1), []).append(float(m.group(3)) / 1e6)

faiss = {}
for m in re.finditer(r"^(IndexFlatIP|IndexSQ|IndexBinaryFlat)\S*.*?N=(\d+)\s+threads=(\d) (batch\d+)\s+ms/query min\s+\S+ med\s+(\S+)",
                     read("faiss.txt"), re.M):
    kind = {"IndexFlatIP": "float32", "IndexSQ": "int8", "IndexBinaryFlat": "binary"}[m.group(1)]
    faiss[(kind, int(m.group(2)), int(m.group(3)), m.group(4))] = float(m.group(5))


def med(v):
    return statistics.median(v) if v else None


def fmt(x, w=9, p=3):
    return f"{x:{w}.{p}f}" if x is not None else " " * (w - 1) + "-"


rowbytes = {"float32": 1024, "int8": 260, "binary": 32}  # d = 256 (int8 with its scale)
goals = {"float32": 1.15, "int8": 1.3, "binary": 1.3}
sizes = {"1k": 1_000, "100k": 100_000, "1M": 1_000_000, "10M": 10_000_000}

print(f"memory read bandwidth, median (max) of 11: {fmt(bw[1], 6, 1)} ({fmt(bwmax[1], 4, 1)}) GB/s on 1 thread, "
      f"{fmt(bw[2], 6, 1)} ({fmt(bwmax[2], 4, 1)}) GB/s on 2; floor = rows' bytes / median bandwidth")
print()
print("single queries, top-1, d = 256 (median ms per query)")
hdr = f"{'mode':18s} {'N':>5s} {'cores':>5s} {'palmid':>9s} {'q/s':>9s} {'floor':>9s} {'x floor':>8s} {'goal':>8s} {'C scan':>9s} {'x C':>6s} {'FAISS':>9s}"
print(hdr)
print("-" * len(hdr))
for size, n in sizes.items():
    for mode in ["float32", "int8", "binary", "int8-rerank", "binary-rerank", "binary-int8-rerank"]:
        for cores in (1, 2):
            t = med(gob.get(f"Search{size}/{mode}", {}).get(cores, []))
            if t is None:
                continue
            floor = ratio = None
            base = mode.split("-")[0]
            if n >= 1_000_000 and bw.get(cores) and mode in rowbytes:
                floor = n * rowbytes[mode] / (bw[cores] * 1e9) * 1e3
                ratio = t / floor
            goal = ""
            if ratio is not None and cores == 1 and n == 1_000_000:
                goal = ("ok " if ratio <= goals[mode] else "MISS ") + f"{goals[mode]}"
            c = cscan.get(mode) if n == 1_000_000 and cores == 1 else None
            fa = faiss.get((base if mode in rowbytes else "", n, cores, "batch1"))
            xc = t / c if c else None
            print(f"{mode:18s} {size:>5s} {cores:5d} {fmt(t)} {fmt(1e3 / t, 9, 1)} {fmt(floor)} {fmt(ratio, 8, 2)} {goal:>8s} {fmt(c)} {fmt(xc, 6, 2)} {fmt(fa)}")
print()
print("Go reference loops at 1M (ms per query, one goroutine): " + ", ".join(
    f"{k} {fmt(med(v.get(1, [])), 1)}" for k, v in sorted(goref.items())))
print()
print("batched queries at 1M x 256, top-1: one pass over the gallery per batch (ms per query; q/s)")
hdr = f"{'mode':8s} {'cores':>5s} {'batch 1':>16s} {'batch 8':>16s} {'batch 64':>16s} {'FAISS b64':>16s} {'vs FAISS':>8s}"
print(hdr)
print("-" * len(hdr))
for mode in ["float32", "int8", "binary"]:
    for cores in (1, 2):
        cells = []
        t64 = None
        for b in (1, 8, 64):
            t = med(gob.get(f"SearchBatch1M/{mode}/batch{b}", {}).get(cores, []))
            if b == 64:
                t64 = t
            cells.append(f"{fmt(t, 7)} {fmt(1e3 / t if t else None, 8, 1)}")
        fa = faiss.get((mode, 1_000_000, cores, "batch64"))
        ratio = f"{fa / t64:8.2f}" if fa and t64 else " " * 7 + "-"
        print(f"{mode:8s} {cores:5d} {cells[0]:>16s} {cells[1]:>16s} {cells[2]:>16s} {fmt(fa, 7)} {fmt(1e3 / fa if fa else None, 8, 1)} {ratio}")
print()
print("vs FAISS = FAISS ms per query / palmid ms per query at batch 64 (goal for float32: >= 1)")

# Partitioned galleries (Gallery.Partition, SearchOptions.Probes): signature-like vectors.
part = {}
for m in re.finditer(r"^BenchmarkPartitionSearch(1M|10M)/(\S+?)(?:-(\d+))?\s+\d+\s+\S+ ns/op\s+([\d.]+) ms/query\s+([\d.]+) recall@1\s+(\d+) rows/query",
                     read("go.txt"), re.M):
    part.setdefault((m.group(1), m.group(2), int(m.group(3) or 1)), []).append((float(m.group(4)), float(m.group(5)), int(m.group(6))))
if part:
    print()
    print("partitioned galleries, signature-like vectors, d = 256, int8 and binary rows, top-1 (median ms per query);")
    print("recall@1 against flat int8 search for 64 probes at cosine about 0.78; floor = rows scanned x bytes / bandwidth")
    hdr = f"{'search':36s} {'N':>4s} {'cores':>5s} {'palmid':>9s} {'rows':>9s} {'floor':>9s} {'x floor':>8s} {'recall@1':>9s}"
    print(hdr)
    print("-" * len(hdr))
    def probes_key(name):
        m = re.search(r"(\d+)$", name)
        return (re.sub(r"\d+$", "", name), int(m.group(1)) if m else 0)

    for (size, name, cores), v in sorted(part.items(), key=lambda kv: (sizes[kv[0][0]], kv[0][2], probes_key(kv[0][1]))):
        t = med([x[0] for x in v])
        rows = v[0][2]
        per = 32 if name.startswith("flat/binary") or name.startswith("lists/binary") else 260
        floor = rows * per / (bw[cores] * 1e9) * 1e3 if bw.get(cores) else None
        print(f"{name:36s} {size:>4s} {cores:5d} {fmt(t)} {rows:9d} {fmt(floor)} {fmt(t / floor if floor else None, 8, 2)} {v[0][1]:9.3f}")
