"""Profile-likelihood interval of the floor c of E = a*x^-b + c, by scipy, for ProfileLikelihoodTests.

Independent of the C# fitter: for each c the log-error least squares is minimised over (ln a, b) with
scipy.optimize.least_squares from several starts; the 95% interval is where (n - k)(S(c) - S0)/S0 <= t^2(n - k), its
ends found on a grid in ln c and refined with brentq. A side that never crosses is open: the lower end is then 0.
Input: the JSON of ScipyOracle (datasets with form and train points). Output: {"predictions": [[lower, upper], ...]}.
"""
import json
import sys

import numpy as np
from scipy import optimize, stats


def residuals(theta, lx, ly, log_c=None):
    log_a, b = theta[0], theta[1]
    lc = theta[2] if log_c is None else log_c
    return np.logaddexp(log_a - b * lx, lc) - ly


def best(lx, ly, log_c=None, starts=()):
    outs = []
    for s in starts:
        try:
            r = optimize.least_squares(residuals, s, args=(lx, ly, log_c), xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
            outs.append((float(np.sum(r.fun ** 2)), r.x))
        except Exception:
            pass
    return min(outs, key=lambda o: o[0])


def interval(x, y, level=0.95):
    lx, ly = np.log(x), np.log(y)
    lx = lx - lx.mean()
    starts = [[np.log(y.max() - f * y.min()), b, np.log(f * y.min())] for b in (0.1, 0.3, 0.6, 1.2) for f in (0.01, 0.3, 0.6, 0.9)]
    s0, theta = best(lx, ly, starts=starts)
    dof = len(x) - 3
    q = stats.t.ppf(0.5 + level / 2, dof) ** 2
    cache = {}

    def stat(lc):
        if lc not in cache:
            near = [theta[:2]] + [v[1][:2] for v in sorted(cache.items(), key=lambda kv: abs(kv[0] - lc))[:2]]
            s, _ = best(lx, ly, log_c=lc, starts=near + [[np.log(y.max()), 0.3]])
            cache[lc] = (dof * (s - s0) / s0, np.append(_, lc))
        return cache[lc][0] - q

    def side(direction, limit):
        grid = theta[2] + direction * np.concatenate([np.linspace(0.01, 1, 100), np.linspace(1.05, 25, 480)])
        inside = theta[2]
        for g in grid:
            if (direction < 0 and g < limit) or (direction > 0 and g > limit):
                return None
            if stat(g) > 0:
                return optimize.brentq(stat, inside, g, xtol=1e-12)
            inside = g
        return None

    lo = side(-1, np.log(1e-8 * y.min()))
    hi = side(+1, np.log(10 * y.max()))
    return [0.0 if lo is None else float(np.exp(lo)), float("inf") if hi is None else float(np.exp(hi))]


def main():
    request = json.load(open(sys.argv[1]))
    out = []
    for d in request["datasets"]:
        pts = np.array(d["train"], dtype=float)
        out.append(interval(pts[:, 0], pts[:, 1]))
    print(json.dumps({"predictions": out}))


if __name__ == "__main__":
    main()
