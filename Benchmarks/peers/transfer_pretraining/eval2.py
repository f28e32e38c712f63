"""Fine-tune saved trunks with exactly the scratch recipe (all layers at Adam 2e-3), new hidden+head (ft-conv) or new head (ft-hid)."""
import sys; sys.argv = [sys.argv[0], "eval"] + sys.argv[1:]
from common import *
import json
names = sys.argv[2:]
def train(net, x, y, steps, batch, lr, augment=False):
    opt = torch.optim.Adam(net.parameters(), lr)
    for _ in range(steps):
        i = np.random.randint(0, len(x), batch)
        xb = shifted(x[i]) if augment else x[i]
        loss = F.cross_entropy(net(xb), y[i]); opt.zero_grad(); loss.backward(); opt.step()
for name in names:
    base = Net(); base.load_state_dict(torch.load(f"{name}.pt")); res = {}
    for d in (1, 2, 3):
        xl, yl = draw_set(d); np.random.seed(d); torch.manual_seed(d); row = {}
        for cut in ("conv", "hid"):
            for aug in (False, True):
                n = copy.deepcopy(base); n.head = nn.Linear(128, 5)
                if cut == "conv": n.hidden = nn.Linear(9216, 128)
                train(n, xl, yl, 500, 10, 2e-3, aug)
                with torch.no_grad(): row[f"ftfull-{cut}" + ("+aug" if aug else "")] = (n(xt).argmax(1) == yt).float().mean().item() * 100
        print(f"{name} draw {d}: " + ", ".join(f"{k} {v:.2f}" for k, v in row.items()), flush=True)
        for k, v in row.items(): res.setdefault(k, []).append(v)
    print(f"MEAN {name}: " + ", ".join(f"{k} {np.mean(v):.2f}" for k, v in res.items()), flush=True)
