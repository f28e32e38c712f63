"""Transfer probe: pretrain a trunk on MNIST 0-4 (simclr | supcon | both | aecls) then evaluate on 10 labels/class of 5-9.
python run.py METHOD STEPS [BATCH] [TEMP]; METHOD=scratch computes the scratch baseline only."""
from common import *
from sklearn.linear_model import LogisticRegression
import json, os
method = sys.argv[1]; steps = int(sys.argv[2]) if len(sys.argv) > 2 else 0
batch = int(sys.argv[3]) if len(sys.argv) > 3 else 128
temp = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
torch.manual_seed(1); np.random.seed(1)

def train(net, x, y, steps, batch, groups, augment=False):
    opt = torch.optim.Adam(groups)
    for _ in range(steps):
        i = np.random.randint(0, len(x), batch)
        xb = shifted(x[i]) if augment else x[i]
        loss = F.cross_entropy(net(xb), y[i]); opt.zero_grad(); loss.backward(); opt.step()

def acc(predict, x, y):
    with torch.no_grad(): return (predict(x).argmax(1) == y).float().mean().item() * 100

def frozen(net, xl, yl, row):
    with torch.no_grad():
        for name, f in (("conv", net.conv), ("hid", net.features)):
            a, b = F.normalize(f(xl)), F.normalize(f(xt))
            means = torch.stack([a[yl == c].mean(0) for c in range(5)])
            row[f"ncm-{name}"] = (torch.cdist(b, means).argmin(1) == yt).float().mean().item() * 100
            lr = LogisticRegression(C=10, max_iter=2000).fit(a.numpy(), yl.numpy())
            row[f"logreg-{name}"] = (lr.predict(b.numpy()) == yt.numpy()).mean() * 100

def quick(net):
    xl, yl = draw_set(1); row = {}
    with torch.no_grad():
        a, b = F.normalize(net.features(xl)), F.normalize(net.features(xt))
        means = torch.stack([a[yl == c].mean(0) for c in range(5)])
        return (torch.cdist(b, means).argmin(1) == yt).float().mean().item() * 100

def nt_xent(z, t, labels=None):
    z = F.normalize(z); n = len(z) // 2
    sim = z @ z.t() / t
    sim.fill_diagonal_(-1e9)
    if labels is None:
        tgt = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
        return F.cross_entropy(sim, tgt)
    lab = torch.cat([labels, labels]); pos = (lab[:, None] == lab[None, :]).float(); pos.fill_diagonal_(0)
    logp = sim - torch.logsumexp(sim, 1, keepdim=True)
    return -((logp * pos).sum(1) / pos.sum(1)).mean()

# ---- pretraining
source = y_train < 5
xs, ys = images(x_train[source]), torch.from_numpy(y_train[source])
net = Net(); pre_time = 0
if method != "scratch":
    proj = nn.Sequential(nn.Linear(128, 256), nn.BatchNorm1d(256), nn.ReLU(), nn.Linear(256, 64))
    dec = nn.Sequential(nn.Linear(128, 512), nn.ReLU(), nn.Linear(512, 784))
    params = list(net.parameters()) + list(proj.parameters()) + (list(dec.parameters()) if method == "aecls" else [])
    opt = torch.optim.Adam(params, 1e-3)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, 1e-3, total_steps=steps, pct_start=0.1)
    start = time.time()
    for s in range(1, steps + 1):
        i = torch.randint(0, len(xs), (batch,)); x, y = xs[i], ys[i]
        if method == "aecls":
            xa = affine(x, shift=2, rot=10, scale=(0.9, 1.1))
            h = net.features(xa)
            loss = F.cross_entropy(net.head(h), y) + float(os.environ.get("REC", "2")) * F.binary_cross_entropy_with_logits(dec(h), xa.flatten(1))
        else:
            v = torch.cat([affine(x, erase=0.3), affine(x, erase=0.3)])
            z = proj(net.features(v))
            if method == "simclr": loss = nt_xent(z, temp)
            elif method == "supcon": loss = nt_xent(z, temp, y)
            else: loss = nt_xent(z, temp) + nt_xent(z, temp, y)  # both
        opt.zero_grad(); loss.backward(); opt.step(); sched.step()
        if s % 100 == 0 or s == steps:
            el = time.time() - start
            print(f"[{method}] step {s}/{steps} loss {loss.item():.3f} {el:.0f}s" + (f" quick-ncm-hid(draw1) {quick(net):.2f}" if s % 200 == 0 or s == steps else ""), flush=True)
    pre_time = time.time() - start
    tag = f"{method}_{steps}" + (f"_rec{os.environ['REC']}" if "REC" in os.environ else ""); torch.save(net.state_dict(), f"{tag}.pt")
    if method == "aecls":
        held = y_test < 5
        print(f"source acc 0-4 test {acc(net, images(x_test[held]), torch.from_numpy(y_test[held])):.2f}")

# ---- evaluation
results = {}
for d in (1, 2, 3):
    xl, yl = draw_set(d); np.random.seed(d); torch.manual_seed(d); row = {}
    if method == "scratch":
        for aug in (False, True):
            n = Net(); train(n, xl, yl, 500, 10, [{"params": n.parameters(), "lr": 2e-3}], aug)
            row["scratch" + ("+aug" if aug else "")] = acc(n, xt, yt)
    else:
        frozen(net, xl, yl, row)
        for cut in ("conv", "hid"):
            for aug in (False, True):
                n = copy.deepcopy(net); n.head = nn.Linear(128, 5)
                if cut == "conv": n.hidden = nn.Linear(9216, 128)
                reused = list(n.c1.parameters()) + list(n.c2.parameters()) + (list(n.hidden.parameters()) if cut == "hid" else [])
                new = list(n.head.parameters()) + (list(n.hidden.parameters()) if cut == "conv" else [])
                train(n, xl, yl, 500, 10, [{"params": reused, "lr": 2e-4}, {"params": new, "lr": 2e-3}], aug)
                row[f"ft-{cut}" + ("+aug" if aug else "")] = acc(n, xt, yt)
    print(f"draw {d}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
    for k, v in row.items(): results.setdefault(k, []).append(v)
mean = {k: float(np.mean(v)) for k, v in results.items()}
print(f"MEAN {method} steps={steps} batch={batch} temp={temp} pretrain={pre_time:.0f}s: " + ", ".join(f"{k} {v:.2f}" for k, v in mean.items()), flush=True)
json.dump({"method": method, "steps": steps, "batch": batch, "temp": temp, "pretrain_s": pre_time, "mean": mean, "all": results},
          open(f"res_{tag if method != 'scratch' else method}.json", "w"))
