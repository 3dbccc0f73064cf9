"""Independent oracle for M4: the estimation procedure of Alabdulmohsin, Neyshabur and Zhai (NeurIPS 2022, §3), as
their published method describes it, written from that description in numpy and scipy (sharing no code with the C#
fitter), for the image-classification setting of their benchmark (random-guess error e0 starting at 1, bounded by 1).

Reads {"datasets": [{"train": [[x, e], ...], "predict": [x, ...]}, ...]} and prints {"predictions": [[e, ...], ...]}.

The procedure: the floor starts just below the smallest error and e0 at 1; it alternates (1) a non-negative least
squares for (ln beta, c, alpha) on ln(E - floor) = ln beta - c ln x + alpha ln(1 - E), whose alpha column is fixed at
the start, with (2) steps on (floor, e0) that lower the transformed squared residual — plain gradient steps for the
first 100 rounds, damped Newton steps after — each step projected back into 0 <= floor <= min E - 1e-3,
max E + 1e-3 <= e0 <= 1 + 1e-3, until beta stops changing. Their non-negativity of ln beta assumes x counts examples
seen (millions): x is therefore rescaled so that its smallest value is 1e6, and predictions use the same scale.
"""
import json
import sys

import numpy as np
from scipy.optimize import nnls

MARGIN = 1e-3


def fit(x, y, max_rounds=10_000):
    lo_floor, hi_floor = 0.0, y.min() - MARGIN
    lo_e0, hi_e0 = y.max() + MARGIN, 1.0 + MARGIN
    floor, e0 = hi_floor, 1.0
    design = np.column_stack([np.ones_like(x), -np.log(x), np.log(1.0 - y)])
    beta = 1.0
    for k in range(max_rounds):
        coef, _ = nnls(design, np.log(y - floor))
        log_beta, c, alpha = coef
        old_beta, beta = beta, np.exp(log_beta)

        def residual():
            return np.log(y - floor) - alpha * np.log(e0 - y) - (log_beta - c * np.log(x))

        steps, rate = (1000, 1e-8) if k < 100 else (100, 0.1)
        for _ in range(steps):
            r = residual()
            g_floor = -np.mean(r / (y - floor))
            g_e0 = -alpha * np.mean(r / (e0 - y))
            if k < 100:
                floor -= rate * g_floor
                e0 -= rate * g_e0
            else:
                h_floor = np.mean((1 - r) / (y - floor) ** 2)
                h_e0 = alpha * np.mean((alpha + r) / (e0 - y) ** 2)
                if abs(h_floor) > 1e-5:
                    floor -= rate * g_floor / h_floor
                if abs(h_e0) > 1e-5:
                    e0 -= rate * g_e0 / h_e0
            floor = min(max(floor, lo_floor), hi_floor)
            e0 = min(max(e0, lo_e0), hi_e0)
        if k > 101 and abs(beta - old_beta) < 1e-10:
            break
    return beta, c, alpha, floor, e0


def predict(law, x):
    beta, c, alpha, floor, e0 = law
    f = beta * x ** (-c)
    span = e0 - floor
    if alpha < 1e-5:
        return floor + f
    lo, hi = 0.0, span
    for _ in range(100):  # w - f (span - w)^alpha is increasing in w: bisection
        mid = 0.5 * (lo + hi)
        if mid - f * (span - mid) ** alpha > 0:
            hi = mid
        else:
            lo = mid
    return floor + 0.5 * (lo + hi)


def main():
    request = json.load(open(sys.argv[1]))
    out = []
    for d in request["datasets"]:
        train = np.array(d["train"], dtype=float)
        scale = 1e6 / train[:, 0].min()
        law = fit(train[:, 0] * scale, train[:, 1])
        out.append([predict(law, x * scale) for x in d["predict"]])
    print(json.dumps({"predictions": out}))


if __name__ == "__main__":
    main()
