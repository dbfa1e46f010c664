"""Trains a valley network of package palm and exports it as ONNX.

The network refines one finger valley: it sees a grey patch 48 x 48
pixels (--input; 32 by default), 0.8 D wide (D: the distance between the
outer valleys), centred on the valley the image cues placed, fingers up, standardised to zero mean and unit standard
deviation, and answers the true valley's offset from the patch centre along
the patch's x and y axes, in units of D. palm's TestValleyPatches writes the
training records from synth captures (see its doc for the format); the
patches there are 1.2 D wide, so that the crop can be shifted at random.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx).
The embedded networks, photos and NIR frames alike: five seeds of 800
identities, 16 channels, a 48-pixel input:

    /usr/bin/python3 palm/models/train_valley.py --train phone-10[1-5].bin \
        --val phone-31.bin --out palm/models/valley-phone.onnx --channels 16 --epochs 40 --input 48
    /usr/bin/python3 palm/models/train_valley.py --train nir-10[1-5].bin \
        --val nir-31.bin --out palm/models/valley-nir.onnx --channels 16 --epochs 40 --input 48

The second photo network learns from the first one's answers (records
written with PALMID_VALLEY_STAGE=2), with smaller random shifts:

    /usr/bin/python3 palm/models/train_valley.py --train phone2-10[1-5].bin \
        --val phone2-31.bin --out palm/models/valley-phone-2.onnx --channels 16 --epochs 40 \
        --input 48 --shift 0.05

and the one for the valleys found closed (fingers touching) from the same
records, those valleys only:

    /usr/bin/python3 palm/models/train_valley.py --train phone2-10[1-5].bin \
        --val phone2-31.bin --out palm/models/valley-phone-closed.onnx --channels 16 --epochs 40 \
        --input 48 --shift 0.05 --closed

It prints, on the validation records, how many valleys are more than 6% of
the palm width off, before and after the network (one and two passes).
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HDR = 12  # float32 header fields of a record
SIDE = 96  # patch side, pixels
FIELD = 1.2  # patch side, D
CROP = 0.8  # network field, D
INP = 32  # network input side (--input)
SHIFT = 0.15  # random shift of the crop in training, D (each axis)
SCALE = 10  # the network learns offsets times SCALE; the export divides


def load(paths):
    hs, ps = [], []
    rec = HDR * 4 + SIDE * SIDE
    for p in paths:
        raw = np.fromfile(p, dtype=np.uint8)
        n = len(raw) // rec
        raw = raw[: n * rec].reshape(n, rec)
        hs.append(raw[:, : HDR * 4].copy().view(np.float32).reshape(n, HDR))
        ps.append(raw[:, HDR * 4:].reshape(n, SIDE, SIDE))
    return np.concatenate(hs), np.concatenate(ps)


def crops(pix, sx, sy):
    """The network inputs: the CROP-wide square of each patch shifted by
    (sx, sy) D, INP pixels wide, standardised: bilinear samples of the
    patch (at INP = 32 and no shift, the 2 x 2 block means of its central
    64 pixels). palm's netValleys cuts INP pixels straight from the image,
    each the mean of bilinear samples over its footprint; at 48 pixels
    the two differ a little (see the package doc)."""
    x = torch.from_numpy(pix).float().unsqueeze(1)
    n = x.shape[0]
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = CROP / FIELD
    theta[:, 0, 2] = torch.from_numpy(np.asarray(sx, np.float32)) * 2 / FIELD
    theta[:, 1, 2] = torch.from_numpy(np.asarray(sy, np.float32)) * 2 / FIELD
    grid = F.affine_grid(theta, (n, 1, INP, INP), align_corners=False)
    y = F.grid_sample(x, grid, align_corners=False, mode="bilinear")
    m = y.mean(dim=(2, 3), keepdim=True)
    s = y.std(dim=(2, 3), keepdim=True) + 1e-3
    return (y - m) / s


class Net(nn.Module):
    def __init__(s, c=16):
        super().__init__()
        s.c1 = nn.Conv2d(1, c, 3, padding=1)
        s.c2 = nn.Conv2d(c, 2 * c, 3, padding=1)
        s.c3 = nn.Conv2d(2 * c, 2 * c, 3, padding=1)
        s.c4 = nn.Conv2d(2 * c, 4 * c, 3, padding=1)
        f = INP // 16
        s.f1 = nn.Linear(4 * c * f * f, 64)
        s.f2 = nn.Linear(64, 2)

    def forward(s, x):
        for c in (s.c1, s.c2, s.c3, s.c4):
            x = F.max_pool2d(F.relu(c(x)), 2)
        return s.f2(F.relu(s.f1(x.flatten(1))))


class Export(nn.Module):
    def __init__(s, net):
        super().__init__()
        s.net = net

    def forward(s, x):
        return s.net(x) * (1.0 / SCALE)


def predict(net, pix, sx, sy):
    with torch.no_grad():
        out = [net(crops(pix[i:i + 512], sx[i:i + 512], sy[i:i + 512])) for i in range(0, len(pix), 512)]
    return torch.cat(out).numpy() / SCALE


def report(net, h, pix):
    r = h[:, 7] / h[:, 8]  # D over palm width
    sx = np.zeros(len(h), np.float32)
    sy = np.zeros(len(h), np.float32)
    e = np.hypot(h[:, 9], h[:, 10]) * r
    print("val: %d valleys; image cues: median %.2f%%, p99 %.2f%%, over 6%%: %d" % (len(h), 100 * np.median(e), 100 * np.percentile(e, 99), (e > 0.06).sum()))
    for it in range(2):
        p = predict(net, pix, sx, sy)
        sx = np.clip(sx + p[:, 0], -0.2, 0.2)
        sy = np.clip(sy + p[:, 1], -0.2, 0.2)
        e = np.hypot(h[:, 9] - sx, h[:, 10] - sy) * r
        for name, sel in (("all", np.ones(len(h), bool)), ("truth open", h[:, 5] == 1), ("truth closed", h[:, 5] == 0)):
            print("  pass %d %-12s n %4d median %.2f%% p99 %.2f%% over 6%%: %d" % (it + 1, name, sel.sum(), 100 * np.median(e[sel]), 100 * np.percentile(e[sel], 99), (e[sel] > 0.06).sum()))


def main():
    global INP, SHIFT
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--val", nargs="+", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--channels", type=int, default=8, help="channels of the first convolution")
    ap.add_argument("--input", type=int, default=32, help="network input side, pixels (a multiple of 16)")
    ap.add_argument("--shift", type=float, default=SHIFT, help="random shift of the crop in training, D (each axis)")
    ap.add_argument("--closed", action="store_true", help="only valleys found closed (fingers touching)")
    a = ap.parse_args()
    INP, SHIFT = a.input, a.shift
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    torch.set_num_threads(2)
    h, pix = load(a.train)
    # Leave out captures on the wrong side and valleys the cues put far
    # off: no local patch can tell where those belong.
    keep = (h[:, 11] == 0) & (np.hypot(h[:, 9], h[:, 10]) < 0.45)
    if a.closed:
        keep &= h[:, 6] == 0
    h, pix = h[keep], pix[keep]
    hv, pv = load(a.val)
    if a.closed:
        closed = hv[:, 6] == 0
        hv, pv = hv[closed], pv[closed]
    print("train: %d valleys (%d kept)" % (len(keep), len(h)))
    net = Net(a.channels)
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    batch = 128
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 3e-3, total_steps=a.epochs * ((len(h) + batch - 1) // batch))
    target = torch.from_numpy(h[:, 9:11].copy())
    for ep in range(a.epochs):
        t0, total = time.time(), 0.0
        net.train()
        perm = rng.permutation(len(h))
        for b in range(0, len(perm), batch):
            idx = perm[b:b + batch]
            sh = rng.uniform(-SHIFT, SHIFT, (len(idx), 2)).astype(np.float32)
            y = (target[idx] - torch.from_numpy(sh)) * SCALE
            loss = F.smooth_l1_loss(net(crops(pix[idx], sh[:, 0], sh[:, 1])), y, beta=0.1)
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
        print("epoch %d loss %.4f (%.0f s)" % (ep, total / len(h), time.time() - t0), flush=True)
    net.eval()
    report(net, hv, pv)
    torch.onnx.export(Export(net), torch.zeros(1, 1, INP, INP), a.out, input_names=["patch"],
                      output_names=["offset"], opset_version=13)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
