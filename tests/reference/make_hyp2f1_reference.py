#!/usr/bin/env python3
"""Reference values of the Gauss hypergeometric function 2F1(a, b; c; z) for
tests/special_hyp2f1.rs, computed with mpmath at 50 significant digits.

Run:  target/lifetimes-venv/bin/python tests/reference/make_hyp2f1_reference.py > tests/reference/hyp2f1_reference.csv

Each row: group, a, b, c, z (the exact f64 inputs, printed with repr so that Rust parses
the same doubles), ln|F| and sign(F) (rounded to 20 significant digits). Every value is
computed by three routes (mpmath's hyp2f1 directly, and of the Euler and of a Pfaff
transform) at 50 digits, raised to 100/200/400 digits until all three agree to 1e-30
relative (see robust_hyp2f1: mpmath alone is wrong at some large-parameter points).
Values are stored on the log scale because some overflow f64 (large parameters, z near 1).
A relative error e in F is an absolute error of about e in ln|F|.

Groups:
  generic   seeded random parameters in [-3, 30], z over [-1000, 1 - 1e-9]
  intdiff   c - a - b a negative/positive integer or within 1e-8 .. 1e-3 of one
  negc      negative non-integer c (BG/NBD with a + b < 1 and frequency 0)
  bgnbd     BG/NBD conditional expectation 2F1(r+x, b+x; a+b+x-1; t/(alpha+T+t)) at the
            CDNOW parameters of Fader, Hardie & Lee (2005), x, T, t up to 1e4
  mbgnbd    MBG/NBD: 2F1(r+x, b+x+1; a+b+x; t/(alpha+T+t))
  bgnbd442  lifetimes issue #302/#442 parameters (a + b < 1, x = 0)
  pareto    Pareto/NBD likelihood terms 2F1(r+s+x, s+1; r+s+x+1; (alpha-beta)/(alpha+t))
            and 2F1(r+s+x, r+x; r+s+x+1; (beta-alpha)/(beta+t)), z in [-1000, 1)
"""
import random
import sys
import time

import mpmath as mp

mp.mp.dps = 50

rows = []


def forms(a, b, c, z):
    """2F1 by three routes: mpmath's own hyp2f1, the Euler transform and a Pfaff transform.

    mpmath's hyp2f1 at 50 digits is wrong at some large-parameter points (e.g.
    2F1(10003.3, 2.3; 10004.3; -0.9967) comes out as -5.7e35 instead of 0.2039, and
    2F1(1e4+0.24, 1e4+2.43; 1e4+2.22; 0.474) is off by a factor e^1047): its convergence test
    is fooled by the cancellation. The transforms are exact identities whose series mpmath
    sums differently, so agreement of all three is evidence the value is right."""
    A, B, C, Z = (mp.mpf(q) for q in (a, b, c, z))
    out = [mp.hyp2f1(A, B, C, Z)]
    out.append((1 - Z) ** (C - A - B) * mp.hyp2f1(C - A, C - B, C, Z))
    out.append((1 - Z) ** (-B) * mp.hyp2f1(C - A, B, C, Z / (Z - 1)))
    return out


def robust_hyp2f1(a, b, c, z):
    """The value at the lowest precision (50, 100, 200, 400 digits) at which all three
    routes agree to 1e-30 relative."""
    for dps in (50, 100, 200, 400):
        mp.mp.dps = dps
        try:
            vs = forms(a, b, c, z)
        except (ValueError, ZeroDivisionError):
            continue
        vs = [v.real if isinstance(v, mp.mpc) else v for v in vs]
        ref = vs[1]
        if ref != 0 and all(abs(v - ref) <= mp.mpf(10) ** -30 * abs(ref) for v in vs):
            mp.mp.dps = 50
            return ref
    raise SystemExit(f"no agreement at {(a, b, c, z)}")


def add(group, a, b, c, z):
    a, b, c, z = float(a), float(b), float(c), float(z)
    if c <= 0 and c == int(c):
        return
    t0 = time.time()
    v = robust_hyp2f1(a, b, c, z)
    if time.time() - t0 > 2:
        print(f"{time.time() - t0:.1f}s at {(group, a, b, c, z)}", file=sys.stderr)
    if v == 0:
        return
    rows.append((group, a, b, c, z, mp.nstr(mp.log(abs(v)), 20, strip_zeros=False), 1 if v > 0 else -1))


rng = random.Random(20240517)

# generic: random parameters, z spread over the whole range
zs = [-1000.0, -120.0, -7.5, -1.0, -0.6, -0.2, 0.05, 0.3, 0.5, 0.62, 0.8, 0.9, 0.97, 0.995,
      0.9999, 1 - 1e-6, 1 - 1e-9]
for i in range(170):
    a = rng.choice([rng.uniform(-3, 3), rng.uniform(0, 10), rng.uniform(0, 30)])
    b = rng.choice([rng.uniform(-3, 3), rng.uniform(0, 10), rng.uniform(0, 30)])
    c = rng.choice([rng.uniform(-3, 3), rng.uniform(0, 10), rng.uniform(0, 30), a + b - rng.uniform(0, 5)])
    z = zs[i % len(zs)]
    add("generic", a, b, c, z)

# integer and near-integer c - a - b
for m in [-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, -1.0 + 1e-8, -2.0 - 1e-6, 1e-5, -1e-3, 1.0 + 1e-7]:
    for (a, b) in [(0.3, 0.7), (1.7, 2.2), (0.2426, 2.4258), (5.5, 0.25)]:
        for z in [0.4, 0.9, 0.999, 1 - 1e-6, 1 - 1e-9, -0.5, -30.0]:
            add("intdiff", a, b, a + b + m, z)

# negative non-integer c
for c in [-0.5, -0.2066, -1.5, -2.7, -0.01]:
    for (a, b) in [(0.11, 0.5), (0.2426, 2.4258), (1.3, 0.7)]:
        for z in [0.1, 0.5, 0.9, 0.999, 1 - 1e-7, -2.0]:
            add("negc", a, b, c, z)

# BG/NBD at CDNOW parameters (Fader, Hardie & Lee 2005)
r, alpha, a_, b_ = 0.2426, 4.4135, 0.7929, 2.4258
xs = [0, 1, 2, 5, 10, 100, 1000, 10000]
Ts = [0.5, 38.86, 100.0, 10000.0]
ts = [0.1429, 1.0, 39.0, 1000.0, 10000.0]
for x in xs:
    for T in Ts:
        for t in ts:
            z = t / (alpha + T + t)
            add("bgnbd", r + x, b_ + x, a_ + b_ + x - 1, z)
            if (x + int(T) + int(t)) % 3 == 0:
                add("mbgnbd", r + x, b_ + x + 1, a_ + b_ + x, z)

# lifetimes issue #302 / #442 parameters: a + b < 1, frequency 0
for (r, alpha, a_, b_) in [(0.11, 2.24, 0.31, 0.50), (0.5, 1.0, 0.2, 0.3), (1.5, 3.0, 0.6, 0.35)]:
    for T in [1.0, 30.0]:
        for t in [1.0, 30.0, 1000.0]:
            add("bgnbd442", r, b_, a_ + b_ - 1, t / (alpha + T + t))

# Pareto/NBD likelihood terms
pareto_params = [(0.55, 10.6, 0.61, 11.7), (0.55, 50.0, 0.61, 0.5), (0.55, 0.3, 0.61, 40.0),
                 (2.0, 0.05, 1.3, 30.0)]
for (r, alpha, s, beta) in pareto_params:
    for x in [0, 1, 3, 20, 200, 2000, 10000]:
        for t in [0.0, 1.0, 30.0, 1000.0, 10000.0]:
            add("pareto", r + s + x, s + 1, r + s + x + 1, (alpha - beta) / (alpha + t))
            add("pareto", r + s + x, r + x, r + s + x + 1, (beta - alpha) / (beta + t))

w = sys.stdout.write
w("# 2F1(a, b; c; z) reference values: mpmath %s, mp.dps = 50.\n" % mp.__version__)
w("# Produced by tests/reference/make_hyp2f1_reference.py; see its docstring.\n")
w("group,a,b,c,z,ln_abs,sign\n")
for g, a, b, c, z, l, s in rows:
    w(f"{g},{a!r},{b!r},{c!r},{z!r},{l},{s}\n")
print(f"{len(rows)} rows", file=sys.stderr)
