"""Times palm's NIR valley network in PyTorch on one thread, beside
BenchmarkRunValley (go test -bench RunValley ./internal/nn):

    /usr/bin/python3 internal/nn/testdata/bench_torch.py

It rebuilds the network from the ONNX file's weights (onnx and numpy) so
that PyTorch runs the same arithmetic.
"""
import os, time
import numpy as np
import onnx
from onnx import numpy_helper
import torch
import torch.nn.functional as F

torch.set_num_threads(1)
here = os.path.dirname(os.path.abspath(__file__))
m = onnx.load(os.path.join(here, "..", "..", "..", "palm", "models", "valley-nir.onnx"))
w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy()) for t in m.graph.initializer}
convs = [(w[n.input[1]], w[n.input[2]]) for n in m.graph.node if n.op_type == "Conv"]
gemms = [(w[n.input[1]], w[n.input[2]]) for n in m.graph.node if n.op_type == "Gemm"]


def net(x):
    for k, b in convs:
        x = F.max_pool2d(F.relu(F.conv2d(x, k, b, padding=1)), 2)
    x = F.relu(F.linear(x.flatten(1), *gemms[0]))
    return F.linear(x, *gemms[1]) * 0.1


x = torch.from_numpy(((np.arange(32 * 32) % 13) / 6 - 1).astype(np.float32)).reshape(1, 1, 32, 32)
with torch.no_grad():
    for _ in range(200):
        net(x)
    best = []
    for _ in range(5):
        t0 = time.perf_counter()
        for _ in range(2000):
            net(x)
        best.append((time.perf_counter() - t0) / 2000)
with torch.no_grad():
    print("output", net(x).flatten().tolist())
print("pytorch %s, one thread: %.1f us per run (min of 5), median %.1f" % (torch.__version__, 1e6 * min(best), 1e6 * sorted(best)[2]))
