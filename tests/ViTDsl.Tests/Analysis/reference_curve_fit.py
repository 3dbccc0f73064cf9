"""Independent baseline for the scaling-law fitter: scipy.optimize.curve_fit of each law form on log error.

Reads a JSON file {"datasets": [{"form", "train": [[x, e], ...], "predict": [x, ...]}, ...]} and prints
{"predictions": [[e, ...], ...]}: each form fitted by plain least squares on log error from one generic start (x divided
by its geometric mean for conditioning, as any careful user would), the way a researcher would fit it with scipy.
Written from the formulas, sharing no code with the C# fitter.
"""
import json
import sys

import numpy as np
from scipy.optimize import curve_fit


def m4_error(f, floor, e0, alpha):
    """E solving (E - floor)/(e0 - E)^alpha = f, by bisection on w = E - floor in (0, e0 - floor)."""
    span = e0 - floor
    lo = np.zeros_like(f)
    hi = np.full_like(f, span)
    for _ in range(80):
        mid = 0.5 * (lo + hi)
        too_big = mid - f * np.power(np.maximum(span - mid, 0.0), alpha) > 0
        hi = np.where(too_big, mid, hi)
        lo = np.where(too_big, lo, mid)
    return floor + 0.5 * (lo + hi)


def model(form):
    if form == "PowerLaw":
        return lambda x, la, b: la - b * np.log(x)
    if form == "PowerLawWithFloor":
        return lambda x, la, b, c: np.log(np.exp(la) * x ** -b + c)
    if form == "Saturating":
        return lambda x, la, b, c, ld: np.log(np.exp(la) * (x + np.exp(ld)) ** -b + c)
    if form == "M4":
        return lambda x, la, b, c, alpha, e0: np.log(m4_error(np.exp(la) * x ** -b, c, e0, alpha))
    raise ValueError(form)


def fit_and_predict(form, train, predict):
    x = np.array([p[0] for p in train])
    e = np.array([p[1] for p in train])
    s = np.exp(np.mean(np.log(x)))
    xs, xp = x / s, np.array(predict) / s
    e_min, e_max = e.min(), e.max()
    mid = np.exp(np.mean(np.log(e)))
    if form == "PowerLaw":
        p0, lo, hi = [np.log(mid), 0.3], [-50, 0], [50, 10]
    elif form == "PowerLawWithFloor":
        p0, lo, hi = [np.log(mid / 2), 0.3, e_min / 2], [-50, 0, 0], [50, 10, e_min]
    elif form == "Saturating":
        p0, lo, hi = [np.log(mid / 2), 0.3, e_min / 2, np.log(xs.min())], [-50, 0, 0, -30], [50, 10, e_min, 30]
    else:
        p0 = [np.log(mid / 2), 0.3, e_min / 2, 0.5, e_max * 1.1]
        lo, hi = [-50, 0, 0, 0, e_max * 1.0001], [50, 10, e_min * 0.9999, 5, e_max * 10]
    f = model(form)
    theta, _ = curve_fit(f, xs, np.log(e), p0=p0, bounds=(lo, hi), maxfev=20000)
    return np.exp(f(xp, *theta)).tolist()


def main():
    with open(sys.argv[1]) as handle:
        request = json.load(handle)
    out = []
    for d in request["datasets"]:
        try:
            out.append(fit_and_predict(d["form"], d["train"], d["predict"]))
        except (RuntimeError, ValueError):
            out.append(None)  # curve_fit gave up: the baseline failed on this set
    print(json.dumps({"predictions": out}))


if __name__ == "__main__":
    main()
