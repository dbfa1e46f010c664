"""Trains the hand network of package palm and exports it as ONNX.

The network says where a colour photo shows the hand (with its arm). It
sees the working image shrunk into an 80 x 80 square, the long side filling
it and the rest zero, as four planes: luma, Cb and Cr, each (v - 128) / 64
from 0..255, and a plane that is 1 over the image and 0 over the padding.
It answers 40 x 40 logits, one for each 2 x 2 input cells. palm's findHand
fits the hand's colour where the network is sure, the background's where
it rules the hand out, weighs each pixel's colour by the network's
probability, and checks every hand it finds against the network's.

TestHandPatches writes the records from synth phone photos (see its doc
for the format). Training crops half of the images to a random part
and scales it back up (a hand near the camera fills the frame), turns and
mirrors them by multiples of 90 degrees (phones are held any way round)
and changes their colour: gain,
gamma and offset of luma; the chroma's saturation, hue and offset; noise.
Synth's skin and light are a narrow sample of real ones, and the network
must not learn them as the only colours a hand can have.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 palm/models/train_hand.py --train hand-101.bin hand-102.bin \
        --val hand-31.bin --out palm/models/hand-phone.onnx

It prints, on the validation records, the intersection over union of the
network's hand (probability over 0.5) with the truth, and its share of
cells wrong.
"""
import argparse
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HDR = 8  # float32 header fields of a record
S = 80  # input side, cells
O = 40  # output side, cells


def load(paths):
    hs, ps, ts = [], [], []
    rec = HDR * 4 + 3 * S * S + O * O
    for p in paths:
        raw = np.fromfile(p, dtype=np.uint8)
        n = len(raw) // rec
        raw = raw[: n * rec].reshape(n, rec)
        hs.append(raw[:, : HDR * 4].copy().view(np.float32).reshape(n, HDR))
        ps.append(raw[:, HDR * 4: HDR * 4 + 3 * S * S].reshape(n, 3, S, S))
        ts.append(raw[:, HDR * 4 + 3 * S * S:].reshape(n, 1, O, O))
    return np.concatenate(hs), np.concatenate(ps), np.concatenate(ts)


def valid_planes(h):
    """1 over the cells the image fills (header fields 3 and 4), else 0."""
    n = len(h)
    v = torch.zeros(n, 1, S, S)
    for i in range(n):
        v[i, 0, : int(h[i, 4]), : int(h[i, 3])] = 1
    return v


def prepare(pix, valid):
    """The network input, as palm.handStandardise makes it."""
    x = (torch.from_numpy(pix).float() - 128) / 64 * valid
    return torch.cat([x, valid], 1)


def zoom(x, t, h, gen):
    """Crops half of the images to a random part of the photo (40 to 100%
    of each side) and scales it back to the photo's size: a hand near the
    camera fills the frame, as synth seldom renders it."""
    n = x.shape[0]
    s = 0.4 + 0.6 * torch.rand(n, generator=gen)
    s = torch.where(torch.rand(n, generator=gen) < 0.5, s, torch.ones(n))
    cw, ch = torch.from_numpy(h[:, 3].copy()), torch.from_numpy(h[:, 4].copy())
    x0 = torch.rand(n, generator=gen) * cw * (1 - s)
    y0 = torch.rand(n, generator=gen) * ch * (1 - s)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = s, s
    theta[:, 0, 2], theta[:, 1, 2] = s - 1 + x0 / (S / 2), s - 1 + y0 / (S / 2)
    valid = x[:, 3:4]
    g = F.affine_grid(theta, (n, 3, S, S), align_corners=False)
    x = torch.cat([F.grid_sample(x[:, :3], g, align_corners=False) * valid, valid], 1)
    g = F.affine_grid(theta, (n, 1, O, O), align_corners=False)
    t = F.grid_sample(t, g, align_corners=False)
    return x, t


def recolour(x, gen):
    """Changes the images' colour at random (luma gamma, gain and offset;
    chroma saturation, hue and offset; noise), as a network input again."""
    n = x.shape[0]
    valid = x[:, 3:4]
    y, cb, cr = x[:, 0:1] * 64 + 128, x[:, 1:2] * 64 + 128, x[:, 2:3] * 64 + 128

    def u(lo, hi):
        return (lo + (hi - lo) * torch.rand(n, 1, 1, 1, generator=gen))

    # luma: gamma, gain and offset
    y = 255 * (y.clamp(0, 255) / 255) ** u(0.7, 1.4)
    y = y * u(0.6, 1.3) + u(-20, 20)
    # chroma: saturation, hue, offset
    sat, hue = u(0.5, 1.6), u(-0.35, 0.35)
    b, r = cb - 128, cr - 128
    b, r = sat * (b * torch.cos(hue) - r * torch.sin(hue)), sat * (b * torch.sin(hue) + r * torch.cos(hue))
    cb, cr = b + 128 + u(-6, 6), r + 128 + u(-6, 6)
    x = torch.cat([y, cb, cr], 1).clamp(0, 255)
    x = x + torch.randn(x.shape, generator=gen) * u(0, 4)
    return torch.cat([(x - 128) / 64 * valid, valid], 1)


def augment(x, t, gen):
    x = recolour(x, gen)
    # turns by multiples of 90 degrees and mirrors, the same for a batch
    k = int(torch.randint(0, 4, (1,), generator=gen))
    x, t = torch.rot90(x, k, (2, 3)), torch.rot90(t, k, (2, 3))
    if torch.rand(1, generator=gen) < 0.5:
        x, t = x.flip(3), t.flip(3)
    return x, t


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(4, c, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(c, c, 3, padding=1)
        self.c3 = nn.Conv2d(c, c, 3, padding=2, dilation=2)
        self.c4 = nn.Conv2d(c, c, 3, padding=4, dilation=4)
        self.c5 = nn.Conv2d(c, c, 3, padding=8, dilation=8)
        self.c6 = nn.Conv2d(c, 1, 1)

    def forward(self, x):
        x = F.relu(self.c1(x))
        x = F.relu(self.c2(x))
        x = F.relu(self.c3(x))
        x = F.relu(self.c4(x))
        x = F.relu(self.c5(x))
        return self.c6(x)


def report(net, x, t, what):
    net.eval()
    with torch.no_grad():
        z = torch.cat([net(x[i:i + 512]) for i in range(0, len(x), 512)])
    vo = F.avg_pool2d(x[:, 3:4], 2) > 0
    p, g = (z > 0) & vo, (t > 0.5) & vo
    inter = (p & g).sum(dim=(1, 2, 3)).float()
    union = (p | g).sum(dim=(1, 2, 3)).float().clamp(min=1)
    iou = (inter / union).numpy()
    wrong = ((p != g) & vo).sum().item() / vo.sum().item()
    print(f"{what}: {len(x)} images; IoU median {np.median(iou):.3f}, p10 {np.percentile(iou, 10):.3f}, "
          f"p1 {np.percentile(iou, 1):.3f}, under 0.8: {int((iou < 0.8).sum())}; cells wrong {100 * wrong:.2f}%", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=20)
    ap.add_argument("--channels", type=int, default=12)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(a.seed)
    net = Net(a.channels)
    if a.epochs > 0:
        ht, pt, tt = load(a.train)
        hv, pv, tv = load([a.val])
        xt, tt = prepare(pt, valid_planes(ht)), torch.from_numpy(tt).float() / 255
        xv, tv = prepare(pv, valid_planes(hv)), torch.from_numpy(tv).float() / 255
        print(f"train {len(xt)} records, val {len(xv)}", flush=True)
        opt = torch.optim.Adam(net.parameters(), lr=3e-3, weight_decay=1e-5)
        sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
        bs = 32
        for ep in range(a.epochs):
            net.train()
            t0 = time.time()
            perm = torch.randperm(len(xt), generator=gen)
            tot = 0.0
            for i in range(0, len(xt), bs):
                idx = perm[i:i + bs]
                x, t = zoom(xt[idx], tt[idx], ht[idx.numpy()], gen)
                x, t = augment(x, t, gen)
                vo = F.avg_pool2d(x[:, 3:4], 2)
                loss = (F.binary_cross_entropy_with_logits(net(x), t, reduction="none") * vo).sum() / vo.sum()
                opt.zero_grad()
                loss.backward()
                opt.step()
                tot += loss.item() * len(idx)
            sched.step()
            print(f"epoch {ep + 1}: loss {tot / len(xt):.4f} ({time.time() - t0:.0f} s)", flush=True)
            if (ep + 1) % 5 == 0 or ep + 1 == a.epochs:
                report(net, xv, tv, "val")
    net.eval()
    torch.onnx.export(net, torch.zeros(1, 4, S, S), a.out, input_names=["x"], output_names=["logit"], opset_version=11)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
