#!/usr/bin/python3
# OpenCV 4.6 (Debian python3-opencv, cv2.setNumThreads(1)) on the sizes of
# vein's stage benchmarks (go test -bench 'Stage|Blur640' ./vein): each
# figure is the median over REPS reps of the mean time of ITERS calls, in µs.
# Run it interleaved with the Go benchmarks (bench/vein_vs_cv.sh).
import os, statistics, time
import numpy as np
import cv2

cv2.setNumThreads(int(os.environ.get("CV_THREADS", "1")))
REPS = int(os.environ.get("REPS", "7"))
rng = np.random.default_rng(0)
# Image-like 64x64 working map in [0, 1] (vein.Size), and its 8-bit copy.
m64 = cv2.GaussianBlur(rng.random((64, 64), dtype=np.float32), (0, 0), 1.5)
m64 = (m64 - m64.min()) / (m64.max() - m64.min())
u64 = (m64 * 255 + 0.5).astype(np.uint8)
g480 = cv2.GaussianBlur(rng.integers(0, 256, size=(480, 640), dtype=np.uint8), (0, 0), 3).astype(np.float32) / 255
clahe = cv2.createCLAHE(clipLimit=2.5, tileGridSize=(4, 4))  # vein: 4x4 tiles, clip 2.5
# Outputs are written into arrays made once, as the Go benchmarks do.
o64, ou64, o480 = np.empty_like(m64), np.empty_like(u64), np.empty_like(g480)
o64b = np.empty_like(m64)


def flat_field_blurs():  # vein's flatField blurs two maps at sigma 6
    cv2.GaussianBlur(m64, (0, 0), 6, dst=o64)
    cv2.GaussianBlur(m64, (0, 0), 6, dst=o64b)


cases = [
    ("StageCLAHE", "CLAHE clip 2.5, 4x4 tiles, 64x64 u8", lambda: clahe.apply(u64, ou64), 2000),
    ("StageBilateral", "bilateralFilter d=5, 64x64 f32", lambda: cv2.bilateralFilter(m64, 5, 0.12, 1.0, dst=o64), 1000),
    ("StageBilateral(u8)", "bilateralFilter d=5, 64x64 u8", lambda: cv2.bilateralFilter(u64, 5, 0.12 * 255, 1.0, dst=ou64), 1000),
    ("StageFlatField", "2x GaussianBlur sigma 6, 64x64 f32", flat_field_blurs, 1000),
    ("Blur640x480", "GaussianBlur sigma 2, 640x480 f32", lambda: cv2.GaussianBlur(g480, (0, 0), 2, dst=o480), 100),
]

print("cv2", cv2.__version__, "threads", cv2.getNumThreads(), "useOptimized", cv2.useOptimized())
for bench, name, fn, iters in cases:
    for _ in range(10):
        fn()
    v = []
    for _ in range(REPS):
        t0 = time.perf_counter()
        for _ in range(iters):
            fn()
        v.append((time.perf_counter() - t0) / iters * 1e6)
    print(f"cv {bench:20s} {name:38s} µs/call min {min(v):8.1f} med {statistics.median(v):8.1f} max {max(v):8.1f}", flush=True)
