"""The BG/NBD log-likelihood with covariates at CLVTools' estimates, in 50-digit mpmath, for
tests/covariates_clvtools.rs.

    python tests/reference/clvtools_apparel_mpmath.py   # needs mpmath (1.4.1 used)

Reads tests/reference/clvtools_apparel.json (CLVTools' apparel summary, covariates and
estimates) and prints, for each BG/NBD fit, the sum over customers of Fader, Hardie & Lee
(2005) eq. 6 with CLVTools' links alpha_i = alpha0 exp(-g_trans z), a_i = a0 exp(g_life z),
b_i = b0 exp(g_life z). At the unpenalised estimates a_i, b_i reach 1e7, where the
four-log-gamma form of the beta terms keeps ~7 digits; this value decides which side rounds.
"""
import json
import os

import mpmath as mp

mp.mp.dps = 50
here = os.path.dirname(os.path.abspath(__file__))
d = json.load(open(os.path.join(here, "clvtools_apparel.json")))
s, c = d["summary"], d["covariates"]


def ll(r, al, a, b, x, tx, t):
    r, al, a, b, x, tx, t = map(mp.mpf, (r, al, a, b, x, tx, t))
    v = mp.loggamma(r + x) - mp.loggamma(r) + r * mp.log(al)
    v += mp.log(mp.beta(a, b + x)) - mp.log(mp.beta(a, b)) - (r + x) * mp.log(al + t)
    if x > 0:
        v += mp.log(1 + (a / (b + x - 1)) * ((al + t) / (al + tx)) ** (r + x))
    return v


for key in ["bgnbd_static", "bgnbd_static_reg"]:
    f = d[key]["coefficients"]
    total = mp.mpf(0)
    for i in range(len(s["x"])):
        g, ch = c["Gender"][i], c["Channel"][i]
        al = mp.mpf(f["alpha"]) * mp.exp(-(f["trans.Gender"] * g + f["trans.Channel"] * ch))
        e = mp.exp(f["life.Gender"] * g + f["life.Channel"] * ch)
        total += ll(f["r"], al, mp.mpf(f["a"]) * e, mp.mpf(f["b"]) * e, s["x"][i], s["t_x"][i], s["T"][i])
    print(key, mp.nstr(total, 20))
