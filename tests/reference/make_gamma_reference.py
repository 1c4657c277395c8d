#!/usr/bin/env python3
"""Reference values of ln Gamma, digamma and ln Beta for tests/special_gamma.rs (mpmath,
mp.dps = 50), to check that statrs' ln_gamma / digamma (which ltv re-exports) are accurate
enough over the arguments the likelihoods use: shapes from 1e-3 to 1e5 (frequency up to 1e4
plus parameters), and negative non-integer arguments for ln_gamma_signed.

Run: target/lifetimes-venv/bin/python tests/reference/make_gamma_reference.py > tests/reference/gamma_reference.csv
Rows: kind,x,y,value  (y unused for lngamma/digamma; value rounded to 20 significant digits).
"""
import sys
import mpmath as mp

mp.mp.dps = 50
xs = [1e-3, 0.0123, 0.1, 0.2426, 0.5, 0.7929, 1.0, 1.5, 2.0, 2.4258, 3.7446, 4.4135, 6.2488,
      10.6, 15.4477, 33.3, 100.5, 1000.25, 1e4 + 0.2426, 5e4, 1e5]
w = sys.stdout.write
w("# ln Gamma, digamma, ln Beta from mpmath %s at 50 digits; see make_gamma_reference.py\n" % mp.__version__)
w("kind,x,y,value\n")
for x in xs:
    w(f"lngamma,{x!r},0,{mp.nstr(mp.loggamma(mp.mpf(x)), 20)}\n")
    w(f"digamma,{x!r},0,{mp.nstr(mp.digamma(mp.mpf(x)), 20)}\n")
for x in [-0.5, -1.5, -2.7, -0.2066, -10.3]:
    w(f"lngamma_abs,{x!r},0,{mp.nstr(mp.log(abs(mp.gamma(mp.mpf(x)))), 20)}\n")
for x, y in [(0.7929, 2.4258), (0.7929, 2.4258 + 1e4), (1.2035 + 6, 0.7497), (0.5, 0.5),
             (1e4 + 0.2426, 1e4 + 2.4258), (0.6567 + 1, 2.7834 + 100)]:
    w(f"lnbeta,{x!r},{y!r},{mp.nstr(mp.log(mp.beta(mp.mpf(x), mp.mpf(y))), 20)}\n")
