"""Trains the keypoint network of package palm and exports it as ONNX.

The network finds the three finger valleys (index-middle, middle-ring,
ring-little) of a colour photo at a glance: it sees what the hand network
sees (the working image shrunk into an 80 x 80 square, the long side
filling it and the rest zero, as luma, Cb and Cr, each (v - 128) / 64 from
0..255, and a plane that is 1 over the image and 0 over the padding) and
answers, on a 20 x 20 grid of output cells (each 4 x 4 input cells),
three maps of logits, one per valley, then for each valley the offset
(x, y, in output cells) from each cell's centre to the valley. palm takes
each map's softmax and the mean of the 3 x 3 cells' positions (centre
plus offset) about its peak, weighed by their probabilities. It is the
coarse check on the valleys the hand's silhouette gives (a finger
swallowed by clutter of skin colour, the thumb taken for a finger,
fingers held together): the valley networks refine where it points.

TestKeypointPatches writes the records from synth phone photos (see its
doc for the format). Training crops half of the images to a random part
and scales it back up, turns and mirrors them by multiples of 90 degrees
and changes their colour, as train_hand.py does; the valleys move with
the pixels. The loss is the cross-entropy of each map's softmax against a
Gaussian about the valley (sigma 0.75 output cells) plus 10 times the
mean error, in palm widths, of the offsets of the cells within 1.5 cells
of the valley. Batch normalisation (folded into the convolutions on
export) makes it train in a few epochs.

Run with Debian's PyTorch (apt-get install python3-torch python3-onnx):

    /usr/bin/python3 palm/models/train_keypoint.py --train kp-10[1-7].bin \
        --val kp-31.bin --out palm/models/keypoint-phone.onnx

(45 epochs, 12 s each on 11,200 records with two cores.) It prints, on
the validation records and 300 training ones, each valley's error in
palm widths (median, p90, p99, how many over 10% and 25%), read at the
peak cell alone and as palm reads it ("vote").
"""
import argparse
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from train_hand import recolour  # the same colour changes

HDR = 16  # float32 header fields of a record
S = 80  # input side, cells
O = 20  # output side, cells
R = S // O  # input cells per output cell
SIGMA = 0.75  # target spread, output cells


def load(paths):
    hs, ps = [], []
    rec = HDR * 4 + 3 * S * S
    for p in paths:
        raw = np.fromfile(p, dtype=np.uint8)
        n = len(raw) // rec
        raw = raw[: n * rec].reshape(n, rec)
        hs.append(raw[:, : HDR * 4].copy().view(np.float32).reshape(n, HDR))
        ps.append(raw[:, HDR * 4:].reshape(n, 3, S, S))
    return np.concatenate(hs), np.concatenate(ps)


def prepare(pix, h):
    """The network input, as palm.handStandardise makes it, and the
    valleys (n x 3 x 2, input cells) and palm widths."""
    n = len(h)
    valid = torch.zeros(n, 1, S, S)
    for i in range(n):
        valid[i, 0, : int(h[i, 4]), : int(h[i, 3])] = 1
    x = (torch.from_numpy(pix).float() - 128) / 64 * valid
    kp = torch.from_numpy(h[:, 5:11].copy()).view(n, 3, 2)
    pw = torch.from_numpy(h[:, 11].copy())
    return torch.cat([x, valid], 1), kp, pw


def zoom(x, kp, pw, cw, ch, gen):
    """Crops half of the images to a random part (40 to 100% of each side)
    and scales it back up; the valleys and palm widths go with it."""
    n = x.shape[0]
    s = 0.4 + 0.6 * torch.rand(n, generator=gen)
    s = torch.where(torch.rand(n, generator=gen) < 0.5, s, torch.ones(n))
    x0 = torch.rand(n, generator=gen) * cw * (1 - s)
    y0 = torch.rand(n, generator=gen) * ch * (1 - s)
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0], theta[:, 1, 1] = s, s
    theta[:, 0, 2], theta[:, 1, 2] = s - 1 + x0 / (S / 2), s - 1 + y0 / (S / 2)
    valid = x[:, 3:4]
    g = F.affine_grid(theta, (n, 3, S, S), align_corners=False)
    x = torch.cat([F.grid_sample(x[:, :3], g, align_corners=False) * valid, valid], 1)
    # input cell u_in = S/2 (s x_out + t + 1), x_out = 2 u_out / S - 1
    t = torch.stack([theta[:, 0, 2], theta[:, 1, 2]], 1)
    kp = ((kp / (S / 2) - 1 - t[:, None, :]) / s[:, None, None] + 1) * (S / 2)
    return x, kp, pw / s


def augment(x, kp, gen):
    x = recolour(x, gen)
    # turns by multiples of 90 degrees and mirrors, the same for a batch;
    # rot90 takes (row, col) = (y, x) to (S - x, y) in continuous cells
    k = int(torch.randint(0, 4, (1,), generator=gen))
    kp = kp.clone()
    for _ in range(k):
        kp = torch.stack([kp[..., 1], S - kp[..., 0]], -1)
    x = torch.rot90(x, k, (2, 3))
    if torch.rand(1, generator=gen) < 0.5:
        x = x.flip(3)
        kp = torch.stack([S - kp[..., 0], kp[..., 1]], -1)
    return x, kp


class Net(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.c1 = nn.Conv2d(4, 16, 3, stride=2, padding=1)
        self.c2 = nn.Conv2d(16, c, 3, stride=2, padding=1)
        self.c3 = nn.Conv2d(c, c, 3, padding=1)
        self.c4 = nn.Conv2d(c, c, 3, padding=2, dilation=2)
        self.c5 = nn.Conv2d(c, c, 3, padding=4, dilation=4)
        self.c6 = nn.Conv2d(c, c, 3, padding=8, dilation=8)
        self.c7 = nn.Conv2d(c, 9, 1)

        self.bn = nn.ModuleList([nn.BatchNorm2d(16)] + [nn.BatchNorm2d(c) for _ in range(5)])

    def forward(self, x):
        for c, b in zip((self.c1, self.c2, self.c3, self.c4, self.c5, self.c6), self.bn):
            x = F.relu(b(c(x)))
        return self.c7(x)


GRID = (torch.arange(O).float() + 0.5) * R  # output cell centres, input cells


def decode(z):
    """Each valley (input cells) as palm reads it: the peak cell of its
    map and the offset the network gives there, with the probability of
    the 3 x 3 cells about the peak."""
    n = z.shape[0]
    p = F.softmax(z[:, :3].flatten(2), 2).view(n, 3, O, O)
    i = p.flatten(2).argmax(2)
    py, px = i // O, i % O
    out = torch.zeros(n, 3, 2)
    mass = torch.zeros(n, 3)
    for a in range(n):
        for k in range(3):
            y, x = py[a, k], px[a, k]
            out[a, k, 0] = (x + 0.5 + z[a, 3 + 2 * k, y, x]) * R
            out[a, k, 1] = (y + 0.5 + z[a, 4 + 2 * k, y, x]) * R
            mass[a, k] = p[a, k, max(0, y - 1):y + 2, max(0, x - 1):x + 2].sum()
            if VOTE:
                ys, xs = slice(max(0, y - 1), y + 2), slice(max(0, x - 1), x + 2)
                w = p[a, k, ys, xs]
                gx = torch.arange(O).float()[xs][None, :] + 0.5 + z[a, 3 + 2 * k, ys, xs]
                gy = torch.arange(O).float()[ys][:, None] + 0.5 + z[a, 4 + 2 * k, ys, xs]
                out[a, k, 0] = (w * gx).sum() / w.sum() * R
                out[a, k, 1] = (w * gy).sum() / w.sum() * R
    return out, mass


VOTE = False


def loss_fn(z, kp, pw):
    """Cross-entropy of each valley's map against a Gaussian about it, and
    the error of the offsets over the 3 x 3 cells about it, in palm
    widths."""
    n = z.shape[0]
    inside = ((kp >= 0) & (kp < S)).all(-1).float()  # n x 3
    c = kp / R - 0.5  # output cells
    gx = torch.arange(O).float()
    tx = torch.exp(-((gx[None, None, :] - c[..., 0:1]) ** 2) / (2 * SIGMA**2))
    ty = torch.exp(-((gx[None, None, :] - c[..., 1:2]) ** 2) / (2 * SIGMA**2))
    t = ty[..., :, None] * tx[..., None, :]
    t = t / t.sum((2, 3), keepdim=True).clamp(min=1e-9)
    logp = F.log_softmax(z[:, :3].flatten(2), 2).view(n, 3, O, O)
    ce = -(t * logp).sum((2, 3))
    # offsets: each cell within 1.5 cells of the valley, both axes
    ox, oy = z[:, 3::2], z[:, 4::2]  # n x 3 x O x O
    dx = c[..., 0:1, None] - gx[None, None, None, :]  # n x 3 x 1 x O
    dy = c[..., 1:2, None] - gx[None, None, :, None]  # n x 3 x O x 1
    near = ((dx.abs() < 1.5) & (dy.abs() < 1.5)).float()
    off = torch.sqrt((ox - dx) ** 2 + (oy - dy) ** 2 + 1e-6) * near
    d = off.sum((2, 3)) / near.sum((2, 3)).clamp(min=1) * R / pw[:, None].clamp(min=1)
    return ((ce + 10 * d) * inside).sum() / inside.sum().clamp(min=1)


def report(net, x, kp, pw, what):
    global VOTE
    for VOTE in (False, True):
        report1(net, x, kp, pw, what + (" vote" if VOTE else ""))


def report1(net, x, kp, pw, what):
    net.eval()
    with torch.no_grad():
        z = torch.cat([net(x[i:i + 512]) for i in range(0, len(x), 512)])
    pos, mass = decode(z)
    e = (torch.sqrt(((pos - kp) ** 2).sum(-1)) / pw[:, None]).numpy()
    inside = ((kp >= 0) & (kp < S)).all(-1).numpy()
    per = " / ".join(f"{100 * np.median(e[:, k][inside[:, k]]):.1f}" for k in range(3))
    e = e[inside]
    m = mass.numpy()[inside]
    print(f"{what}: {len(e)} valleys; error median {100 * np.median(e):.2f}% p90 {100 * np.percentile(e, 90):.2f}% "
          f"p99 {100 * np.percentile(e, 99):.2f}% of palm width, over 10%: {int((e > 0.1).sum())}, over 25%: {int((e > 0.25).sum())}; "
          f"per valley median {per}%; mass median {np.median(m):.2f}, of those over 10% {np.median(m[e > 0.1]) if (e > 0.1).any() else 0:.2f}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--train", nargs="+", required=True)
    ap.add_argument("--val", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--epochs", type=int, default=45)
    ap.add_argument("--channels", type=int, default=32)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(2)
    gen = torch.Generator().manual_seed(a.seed)
    net = Net(a.channels)
    if a.epochs > 0:
        ht, pt = load(a.train)
        hv, pv = load([a.val])
        xt, kt, wt = prepare(pt, ht)
        xv, kv, wv = prepare(pv, hv)
        cw, ch = torch.from_numpy(ht[:, 3].copy()), torch.from_numpy(ht[:, 4].copy())
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
                x, kp, pw = zoom(xt[idx], kt[idx], wt[idx], cw[idx], ch[idx], gen)
                x, kp = augment(x, kp, gen)
                loss = loss_fn(net(x), kp, pw)
                opt.zero_grad()
                loss.backward()
                opt.step()
                tot += loss.item() * len(idx)
            sched.step()
            print(f"epoch {ep + 1}: loss {tot / len(xt):.4f} ({time.time() - t0:.0f} s)", flush=True)
            if (ep + 1) % 5 == 0 or ep + 1 == a.epochs:
                report(net, xv, kv, wv, "val")
                report(net, xt[:300], kt[:300], wt[:300], "train")
    net.eval()
    torch.save(net.state_dict(), a.out + ".pt")
    torch.onnx.export(net, torch.zeros(1, 4, S, S), a.out, input_names=["x"], output_names=["logit"], opset_version=11)
    print("wrote", a.out)


if __name__ == "__main__":
    main()
