"""Reference values for ltv's Pareto/NBD likelihood where its hypergeometric term was slow.

Writes tests/reference/pareto_nbd_tail.json: per-customer ln L(r, alpha, s, beta | x, t_x, T)
computed with mpmath at 60 digits from Fader & Hardie (2005) eq. (18)-(20) (mpmath.hyp2f1),
at parameter sets where the 2F1 argument z = |alpha-beta| / (max(alpha, beta) + t_x) lies in
(0.8, 1): the region that used adaptive quadrature before (the hierarchical report's
Pareto/NBD in days, alpha ~ 33, beta ~ 300; s and beta running off together on six-week
cohorts; alpha >> beta; large frequencies), each with a grid of histories. `groups` hold
customers sharing a frequency, for the likelihood's chained evaluation.

Run: /work/venvs/pnbd/bin/python tests/reference/pareto_nbd_tail.py   (mpmath 1.4.1)
"""
import json
import mpmath as mp

mp.mp.dps = 60


def ll_fh(r, alpha, s, beta, x, tx, T):
    r, alpha, s, beta, x, tx, T = map(mp.mpf, (r, alpha, s, beta, x, tx, T))
    rsx = r + s + x
    if alpha >= beta:
        big, b = alpha, s + 1
        zf = lambda y: (alpha - beta) / (alpha + y)
    else:
        big, b = beta, r + x
        zf = lambda y: (beta - alpha) / (beta + y)
    a0 = (mp.hyp2f1(rsx, b, rsx + 1, zf(tx)) / (big + tx) ** rsx
          - mp.hyp2f1(rsx, b, rsx + 1, zf(T)) / (big + T) ** rsx)
    first = 1 / ((alpha + T) ** (r + x) * (beta + T) ** s)
    L = mp.gamma(r + x) * alpha ** r * beta ** s / mp.gamma(r) * (first + s / rsx * a0)
    return mp.log(L)


PARAMS = [
    (1.3, 33.0, 2.5, 300.0),       # the benchmark's region (days)
    (0.8, 4.0, 1.0e3, 1.0e5),      # s, beta running off (six-week cohorts, weeks)
    (0.8, 4.0, 1.0e-4, 1.0e6),     # beta running off, s -> 0
    (0.3, 1.0e4, 0.3, 1.0),        # alpha >> beta, small s
    (2.0, 0.05, 0.6, 500.0),       # beta >> alpha
    (0.55, 10.6, 0.04, 200.0),     # small s, z near 1
]
HISTORIES = [(0, 0, 42), (0, 0, 2), (1, 0.5, 42), (1, 40, 42), (3, 1, 6), (10, 3, 30),
             (150, 20, 41), (2, 1e-3, 0.5)]

cases = []
for p in PARAMS:
    for x, tx, T in HISTORIES:
        cases.append({"params": list(p), "x": x, "t_x": tx, "T": T,
                      "ln_l": float(ll_fh(*p, x, tx, T))})

# customers sharing a frequency, ages spread over six weeks (the chained evaluation)
groups = []
for p in PARAMS[:3]:
    for x in (0, 2):
        rows = []
        for i in range(25):
            T = 42.0 * (i + 0.5) / 25
            tx = 0.0 if x == 0 else T * 0.37
            rows.append([x, tx, T, float(ll_fh(*p, x, tx, T))])
        groups.append({"params": list(p), "rows": rows})

with open(__file__.replace(".py", ".json"), "w") as f:
    json.dump({"source": "mpmath %s, 60 digits, Fader-Hardie (2005) eq. 18-20" % mp.__version__,
               "log_likelihood": cases, "groups": groups}, f, indent=1)
