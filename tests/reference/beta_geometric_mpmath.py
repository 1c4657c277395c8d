"""High-precision reference values for the BG/NBD and MBG/NBD conditional expectation and the
new-customer expectation at extreme inputs (tests/beta_geometric_mpmath.rs).

    target/lifetimes-venv/bin/python tests/reference/beta_geometric_mpmath.py

Computed independently of the 2F1 closed forms (Fader, Hardie & Lee 2005 eq. 9-10; lifetimes'
ModifiedBetaGeoFitter): from the model itself. A customer alive at age T with rate lambda and
dropout probability p makes (1/p)(1 - exp(-lambda p t)) expected purchases in the next t
periods; given the history, lambda ~ Gamma(r + x, alpha + T) and p ~ Beta(a, b + x) (BG/NBD)
or Beta(a, b + x + 1) (MBG/NBD, which also survived time 0). Integrating lambda out,

    E[Y(t) | x, t_x, T] = P(alive) * E_p[(1/p) (1 - ((alpha+T)/(alpha+T+p t))^(r+x))],

a one-dimensional integral over p done with mpmath.quad (tanh-sinh, 40 digits, split where
the integrand bends). New customers: p ~ Beta(a, b), lambda ~ Gamma(r, alpha), and for MBG/NBD
the extra factor (1 - p) of surviving time 0. mpmath's hyp2f1 at z -> 1 with A = 10^4 does not
converge, which is why the integral is used. Output:
tests/reference/beta_geometric_mpmath.json, rows [model, r, alpha, a, b, t, x, tx, T, value]
(x = tx = T = -1 marks the new-customer expectation E[X(t)]).
"""
import json
import os

import mpmath as mp

mp.mp.dps = 40


def alive_part(a, bb, A, c0, t, survive_start=False):
    """E_p[(1/p) (1 - (c0/(c0 + p t))^A) * ((1-p) if survive_start)] for p ~ Beta(a, bb).

    Split at p = 1/2. The Beta density's endpoint singularities p^(a-1) and (1-p)^(bb-1) are
    removed by substitution (p = s^(1/a) on the lower half, 1 - p = s^(1/bb) on the upper),
    because mpmath's tanh-sinh rule loses ~1e-9 on integrals like int_0^(1/2) q^(-0.8) dq.
    """
    a, bb, A, c0, t = map(mp.mpf, (a, bb, A, c0, t))
    lb = mp.log(mp.beta(a, bb))

    def smooth(p, q):
        # (1/p)(1 - (c0/(c0+pt))^A) * extra / B(a, bb), without the density's singular parts
        g = -mp.expm1(-A * mp.log1p(p * t / c0)) / p
        return g * (q if survive_start else 1) * mp.exp(-lb)

    half = mp.mpf(1) / 2
    bend = c0 / (A * t) if t > 0 else mp.mpf(1)
    marks = [v for v in (bend / 100, bend, bend * 100) if 0 < v < 1]

    def lower(s_):
        p = s_ ** (1 / a)
        return smooth(p, 1 - p) * mp.exp((bb - 1) * mp.log1p(-p)) / a

    def upper(s_):
        q = s_ ** (1 / bb)
        p = 1 - q
        return smooth(p, q) * mp.exp((a - 1) * mp.log(p)) / bb

    lo_pts = sorted({mp.mpf(0), half ** a} | {v ** a for v in marks if v < half})
    up_pts = sorted({mp.mpf(0), half ** bb} | {(1 - v) ** bb for v in marks if v > half})
    return mp.quad(lower, lo_pts, maxdegree=12) + mp.quad(upper, up_pts, maxdegree=12)


def bg_cond(r, alpha, a, b, t, x, tx, T):
    r, alpha, a, b, t, x, tx, T = map(mp.mpf, (r, alpha, a, b, t, x, tx, T))
    num = alive_part(a, b + x, r + x, alpha + T, t)
    den = 1 + (a / (b + x - 1)) * ((alpha + T) / (alpha + tx)) ** (r + x) if x > 0 else 1
    return num / den


def bg_new(r, alpha, a, b, t):
    return alive_part(a, b, r, alpha, t)


def mbg_cond(r, alpha, a, b, t, x, tx, T):
    r, alpha, a, b, t, x, tx, T = map(mp.mpf, (r, alpha, a, b, t, x, tx, T))
    num = alive_part(a, b + x + 1, r + x, alpha + T, t)
    den = 1 + (a / (b + x)) * ((alpha + T) / (alpha + tx)) ** (r + x)
    return num / den


def mbg_new(r, alpha, a, b, t):
    return alive_part(a, b, r, alpha, t, survive_start=True)


params = [
    (0.243, 4.414, 0.793, 2.426),  # CDNOW
    (0.243, 4.414, 0.3, 0.4),  # a + b < 1 (lifetimes issue #442 for x = 0)
    (0.5, 2.0, 1.00001, 1.5),  # a within 1e-5 of 1
    (0.5, 2.0, 0.99995, 1.5),
    (2.0, 0.05, 3.0, 0.2),
    (0.05, 50.0, 5.0, 8.0),
]
customers = [(0, 0, 10), (0, 0, 10000), (1, 0.0, 1.0), (2, 30.43, 38.86), (26, 30.86, 31.0),
             (10000, 10000, 10000), (10000, 5.0, 5.0), (50, 100.0, 3000.0)]
horizons = [1e-6, 0.5, 39.0, 1000.0, 10000.0]
rows = []
for (r, alpha, a, b) in params:
    for t in horizons:
        rows.append(["bgnbd", r, alpha, a, b, t, -1, -1, -1, float(bg_new(r, alpha, a, b, t))])
        rows.append(["mbgnbd", r, alpha, a, b, t, -1, -1, -1, float(mbg_new(r, alpha, a, b, t))])
        for (x, tx, T) in customers:
            rows.append(["bgnbd", r, alpha, a, b, t, x, tx, T, float(bg_cond(r, alpha, a, b, t, x, tx, T))])
            rows.append(["mbgnbd", r, alpha, a, b, t, x, tx, T, float(mbg_cond(r, alpha, a, b, t, x, tx, T))])
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "beta_geometric_mpmath.json")
with open(out, "w") as fh:
    json.dump({"source": "tests/reference/beta_geometric_mpmath.py (mpmath quad, 40 digits)", "rows": rows}, fh)
print(len(rows), "rows written")
