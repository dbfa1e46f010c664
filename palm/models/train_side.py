"""Trains the side network of package palm and exports it as ONNX.

The network tells which way round a hand's fingers are. It sees two
40 x 40 planes cut from the working image in the frame that a choice of
outer valleys (index-middle, ring-little) and the palm centre define,
3.2 D wide (D: the distance between those valleys), fingers up, the
chosen index finger on the right: the grey levels, standardised to zero
mean and unit standard deviation, and the hand's silhouette, 0 or 1, less
0.5. It answers a logit, high where that choice is the true one. palm's
checkSide runs it on both orders and keeps the one rated higher.
TestSidePatches writes the records from synth phone photos (see its doc
for the format): for each capture, the order the image cues chose and
the other one. Training mirrors inputs at random (the mirror of an order's
input is about the other order's, so the label flips), and shifts, turns
and scales them a little.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 palm/models/train_side.py --train side-101.bin side-102.bin \
        --val side-31.bin --out palm/models/side-phone.onnx

It prints, on the validation records, in how many captures the image cues
and the network chose the wrong order.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HDR = 8  # float32 header fields of a record
S = 40  # input side, pixels


def load(paths):
    hs, ps = [], []
    rec = HDR * 4 + 2 * S * S
    for p in paths:
        raw = np.fromfile(p, dtype=np.uint8)
        n = len(raw) // rec
        raw = raw[: n * rec].reshape(n, rec)
        hs.append(raw[:, : HDR * 4].copy().view(np.float32).reshape(n, HDR))
        ps.append(raw[:, HDR * 4:].reshape(n, 2, S, S))
    return np.concatenate(hs), np.concatenate(ps)


def prepare(pix):
    """The network input, as palm.sideStandardise makes it."""
    x = torch.from_numpy(pix).float()
    g = x[:, :1]
    m = g.mean(dim=(2, 3), keepdim=True)
    sd = g.std(dim=(2, 3), keepdim=True)
    g = (g - m) / (sd + 1e-3)
    return torch.cat([g, x[:, 1:] / 255 - 0.5], 1)


def augment(x, y, gen):
    n = x.shape[0]
    flip = torch.rand(n, generator=gen) < 0.5
    x = torch.where(flip[:, None, None, None], x.flip(3), x)
    y = torch.where(flip, 1 - y, y)
    ang = (torch.rand(n, generator=gen) - 0.5) * 2 * math.radians(10)
    sc = 1 + (torch.rand(n, generator=gen) - 0.5) * 0.2
    sh = (torch.rand(n, 2, generator=gen) - 0.5) * 2 * 0.08
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = torch.cos(ang) * sc
    theta[:, 0, 1] = -torch.sin(ang) * sc
    theta[:, 1, 0] = torch.sin(ang) * sc
    theta[:, 1, 1] = torch.cos(ang) * sc
    theta[:, :, 2] = sh
    grid = F.affine_grid(theta, (n, 2, S, S), align_corners=False)
    # outside the cut: grey at the plane's mean (0), silhouette empty (-0.5)
    x = x + torch.tensor([0.0, 0.5])[None, :, None, None]
    x = F.grid_sample(x, grid, align_corners=False, mode="bilinear", padding_mode="zeros")
    x = x - torch.tensor([0.0, 0.5])[None, :, None, None]
    return x, y


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(2, c, 3, padding=1)
        self.c2 = nn.Conv2d(c, 2 * c, 3, padding=1)
        self.c3 = nn.Conv2d(2 * c, 4 * c, 3, padding=1)
        self.f1 = nn.Linear(4 * c * 5 * 5, 32)
        self.f2 = nn.Linear(32, 1)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2)
        x = F.max_pool2d(F.relu(self.c3(x)), 2)
        x = torch.flatten(x, 1)
        return self.f2(F.relu(self.f1(x)))


def report(net, h, x, what, dump=None):
    """Captures come as pairs of records: the cues' order, then the other."""
    net.eval()
    with torch.no_grad():
        z = torch.cat([net(x[i:i + 4096]) for i in range(0, len(x), 4096)])[:, 0].numpy()
    z = z.reshape(-1, 2)
    lab = h[0::2, 3]  # 1 where the cues' order is the true one
    cues_wrong = int((lab == 0).sum())
    net_keeps = z[:, 0] >= z[:, 1]
    net_wrong = int((net_keeps != (lab == 1)).sum())
    fixed = int(((lab == 0) & ~net_keeps).sum())
    broke = int(((lab == 1) & ~net_keeps).sum())
    print(f"{what}: {len(lab)} captures; wrong order: cues {cues_wrong}, network {net_wrong} (fixed {fixed}, broke {broke})", flush=True)
    for m in (1, 2, 4, 8):
        flip = z[:, 1] - z[:, 0] > m
        print(f"  flip only by a margin of {m}: fixed {int(((lab == 0) & flip).sum())}, broke {int(((lab == 1) & flip).sum())}", flush=True)
    if dump:
        bad = np.nonzero(net_keeps != (lab == 1))[0]
        np.save(dump, np.stack([bad, lab[bad], z[bad, 0], z[bad, 1]], 1))
    return net_wrong


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--channels", type=int, default=8)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--dump", help="write the validation captures the network gets wrong to this .npy")
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(a.seed)
    ht, pt = load(a.train)
    hv, pv = load([a.val])
    xt, yt = prepare(pt), torch.from_numpy(ht[:, 3].copy())
    xv = prepare(pv)
    print(f"train {len(xt)} records, val {len(xv)}", flush=True)
    net = Net(a.channels)
    opt = torch.optim.Adam(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    bs = 128
    for ep in range(a.epochs):
        net.train()
        t0 = time.time()
        perm = torch.randperm(len(xt), generator=gen)
        tot = 0.0
        for i in range(0, len(xt), bs):
            idx = perm[i:i + bs]
            x, y = augment(xt[idx], yt[idx], gen)
            loss = F.binary_cross_entropy_with_logits(net(x)[:, 0], y)
            opt.zero_grad()
            loss.backward()
            opt.step()
            tot += loss.item() * len(idx)
        sched.step()
        print(f"epoch {ep + 1}: loss {tot / len(xt):.4f} ({time.time() - t0:.0f} s)", flush=True)
        if (ep + 1) % 5 == 0 or ep + 1 == a.epochs:
            report(net, hv, xv, "val", a.dump)
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 2, S, S), a.out, input_names=["x"], output_names=["logit"], opset_version=11)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
