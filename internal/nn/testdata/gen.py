"""Writes the test models of package nn and PyTorch's outputs for them.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 internal/nn/testdata/gen.py

It writes NAME.onnx and NAME.json (input, output) for each model below.
"""
import json, os
import torch, torch.nn as nn, torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1)


class Mixed(nn.Module):
    """Every operator the executor supports that a model written this way
    exports: strided and dilated convolutions with padding, both pools,
    a residual Add, Sigmoid, Tanh, Flatten and Linear (Gemm)."""

    def __init__(s):
        super().__init__()
        s.c1 = nn.Conv2d(2, 6, 5, stride=2, padding=2)
        s.c2 = nn.Conv2d(6, 6, 3, padding=2, dilation=2)
        s.c3 = nn.Conv2d(6, 8, (3, 1), padding=(1, 0), bias=False)
        s.f1 = nn.Linear(8 * 3 * 4, 10)
        s.f2 = nn.Linear(10, 3)

    def forward(s, x):
        x = F.relu(s.c1(x))
        x = x + torch.sigmoid(s.c2(x))
        x = F.max_pool2d(x, 2)
        x = torch.tanh(s.c3(x))
        x = F.avg_pool2d(x, 2, count_include_pad=False)
        x = F.relu(s.f1(x.flatten(1)))
        return s.f2(x)


class Global(nn.Module):
    def __init__(s):
        super().__init__()
        s.c = nn.Conv2d(1, 4, 3)

    def forward(s, x):
        return F.adaptive_avg_pool2d(F.relu(s.c(x)), 1).flatten(1) * 2 - 1


def write(name, net, shape):
    net.eval()
    x = torch.randn(*shape)
    with torch.no_grad():
        y = net(x)
    torch.onnx.export(net, x, os.path.join(here, name + ".onnx"), input_names=["x"],
                      output_names=["y"], opset_version=13)
    with open(os.path.join(here, name + ".json"), "w") as f:
        json.dump({"input": x.flatten().tolist(), "output": y.flatten().tolist(),
                   "output_shape": list(y.shape)}, f)


write("mixed", Mixed(), (1, 2, 26, 31))
write("global", Global(), (1, 1, 9, 7))
