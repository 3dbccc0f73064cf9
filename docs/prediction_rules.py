"""The candidate rules for the default prediction of `fit`, scored from `vitdsl bench extrapolation --json` (docs/learning-curves.md,
"Default prediction"): per task, each law form's log errors on the test points and its backtest RMS log error on the last H
fitted points. A log error is log(predicted/observed), so combining predictions in log space is combining log errors point
by point, and every candidate is computed from the forms' own errors. "max(w2,M4)" is the rule `fit` uses since 2026-12-05
(the script checks it against the command's own "fit" column); "fit(now)" is the rule before it (backtest selection guarded
by M4).

    dotnet run --project experiments -- bench extrapolation --csv FILE --json > curves.json
    python3 docs/prediction_rules.py curves.json [more.json ...]
"""
import json, math, sys
K = {"PowerLaw": 2, "PowerLawWithFloor": 3, "Saturating": 4, "M4": 5}
FORMS = list(K)

def rms(v): return math.sqrt(sum(x * x for x in v) / len(v))

def load(path):
    out = []
    for t in json.load(open(path)):
        m = {x["method"]: x for x in t["methods"]}
        if not all(f in m for f in FORMS): continue
        out.append((t["task"], t["group"], {f: (m[f]["logErrors"], m[f]["backtestRms"]) for f in FORMS}, m["fit"]["logErrors"]))
    return out

def bt(forms, f):
    b = forms[f][1]
    return b if b is not None and math.isfinite(b) else math.inf

def select(forms, tol):
    best = min(bt(forms, f) for f in FORMS)
    if not math.isfinite(best): return "M4"
    ok = [f for f in FORMS if bt(forms, f) <= best * (1 + tol)]
    return min(ok, key=lambda f: (K[f], bt(forms, f)))

def combine(forms, fs, how):
    errs = [forms[f][0] for f in fs]
    if how == "max": return [max(z) for z in zip(*errs)]
    if how == "mean": return [sum(z) / len(z) for z in zip(*errs)]
    if how == "median":
        return [sorted(z)[len(z) // 2] if len(z) % 2 else (sorted(z)[len(z)//2 - 1] + sorted(z)[len(z)//2]) / 2 for z in zip(*errs)]

def rule_current(forms, tol=0.2):
    s = select(forms, tol)
    return forms[s][0] if s == "M4" else combine(forms, [s, "M4"], "max")

def rule_alone(forms, tol=0.2): return forms[select(forms, tol)][0]

def rule_m4first(forms, margin):
    # M4 unless a simpler form backtests better than M4 by more than `margin` (fractional); then the best such form.
    m4 = bt(forms, "M4")
    better = [f for f in FORMS if f != "M4" and bt(forms, f) < (1 - margin) * m4]
    return forms[min(better, key=lambda f: bt(forms, f))][0] if better else forms["M4"][0]

def rule_gm(forms, tol=0.2):
    s = select(forms, tol)
    return forms[s][0] if s == "M4" else combine(forms, [s, "M4"], "mean")

def rule_weighted(forms, p=2):
    w = {f: (1 / max(bt(forms, f), 1e-6) ** p) if math.isfinite(bt(forms, f)) else 0 for f in FORMS}
    tot = sum(w.values())
    return [sum(w[f] * forms[f][0][i] for f in FORMS) / tot for i in range(len(forms["M4"][0]))]

def rule_median(forms): return combine(forms, ["PowerLawWithFloor", "Saturating", "M4"], "median")

def rule_trustm4(forms, t):
    # M4 alone when its backtest is within (1+t) of the best form's; otherwise the current rule.
    best = min(bt(forms, f) for f in FORMS)
    return forms["M4"][0] if bt(forms, "M4") <= best * (1 + t) else rule_current(forms)

def rule_gm_guard_m4(forms):
    # halfway (in log space) between the current rule's prediction and M4's.
    return [(a + b) / 2 for a, b in zip(rule_current(forms), forms["M4"][0])]

def rule_weighted_guard(forms, p=1, guard="max"):
    w = rule_weighted(forms, p)
    m4 = forms["M4"][0]
    return [max(a, b) for a, b in zip(w, m4)] if guard == "max" else [(a + b) / 2 for a, b in zip(w, m4)]

def rule_weighted_subset(forms, p, subset):
    w = {f: (1 / max(bt(forms, f), 1e-6) ** p) if math.isfinite(bt(forms, f)) else 0 for f in subset}
    tot = sum(w.values())
    return [sum(w[f] * forms[f][0][i] for f in subset) / tot for i in range(len(forms["M4"][0]))]

RULES = {
    "M4": lambda f: f["M4"][0],
    "fit(now)": rule_current,
    "sel alone": rule_alone,
    "sel tol0 +guard": lambda f: rule_current(f, 0.0),
    "sel tol.5 +guard": lambda f: rule_current(f, 0.5),
    "M4first m0": lambda f: rule_m4first(f, 0.0),
    "M4first m.2": lambda f: rule_m4first(f, 0.2),
    "M4first m.33": lambda f: rule_m4first(f, 0.33),
    "M4first m.5": lambda f: rule_m4first(f, 0.5),
    "gm(sel,M4)": rule_gm,
    "w 1/bt^2": rule_weighted,
    "w 1/bt^1": lambda f: rule_weighted(f, 1),
    "median(F,S,M4)": rule_median,
    "trustM4 t.2": lambda f: rule_trustm4(f, 0.2),
    "trustM4 t.5": lambda f: rule_trustm4(f, 0.5),
    "trustM4 t1": lambda f: rule_trustm4(f, 1.0),
    "trustM4 t2": lambda f: rule_trustm4(f, 2.0),
    "gm(fit,M4)": rule_gm_guard_m4,
    "max(w1,M4)": lambda f: rule_weighted_guard(f, 1),
    "max(w2,M4)": lambda f: rule_weighted_guard(f, 2),
    "max(w0.5,M4)": lambda f: rule_weighted_guard(f, 0.5),
    "gm(w1,M4)": lambda f: rule_weighted_guard(f, 1, "gm"),
    "w1 no PL": lambda f: rule_weighted_subset(f, 1, ["PowerLawWithFloor", "Saturating", "M4"]),
    "max(w1 no PL,M4)": lambda f: [max(a, b) for a, b in zip(rule_weighted_subset(f, 1, ["PowerLawWithFloor", "Saturating", "M4"]), f["M4"][0])],
    "w0 (equal)": lambda f: rule_weighted(f, 0),
    "max(w0,M4)": lambda f: rule_weighted_guard(f, 0),
    "max(w1.5,M4)": lambda f: rule_weighted_guard(f, 1.5),
    "max(w3,M4)": lambda f: rule_weighted_guard(f, 3),
    "max(w4,M4)": lambda f: rule_weighted_guard(f, 4),
}

def main():
    for path in sys.argv[1:]:
        tasks = load(path)
        check = max(abs(rms(rule_weighted_guard(f, 2)) - rms(fit)) for _, _, f, fit in tasks)
        groups = sorted({g for _, g, _, _ in tasks})
        print(f"\n## {path}: {len(tasks)} tasks (check: max(w2,M4) reproduces the command's fit within {check:.1e})")
        print("| rule | " + " | ".join(groups) + " | all | ÷ M4 | ≤ M4 on |")
        print("|---|" + "---|" * (len(groups) + 3))
        m4all = sum(rms(f["M4"][0]) for _, _, f, _ in tasks) / len(tasks)
        for name, r in RULES.items():
            cells = []
            for g in groups:
                v = [rms(r(f)) for _, gg, f, _ in tasks if gg == g]
                cells.append(f"{100 * sum(v) / len(v):.2f}%")
            allv = [rms(r(f)) for _, _, f, _ in tasks]
            mean = sum(allv) / len(allv)
            wins = sum(rms(r(f)) <= rms(f["M4"][0]) + 1e-12 for _, _, f, _ in tasks)
            print(f"| {name} | " + " | ".join(cells) + f" | {100 * mean:.2f}% | {mean / m4all:.3f} | {wins}/{len(tasks)} |")

main()
