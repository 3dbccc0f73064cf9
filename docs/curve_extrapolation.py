"""Extrapolation error of each law form on learning curves: ViTDsl's fit against scipy's curve_fit of the same form.

Reads the JSON of `vitdsl fit --curve --json --holdout H` (one file per argument, or stdin). For every model and form,
ViTDsl's extrapolation block holds the fit without the last H evaluations and its predictions for them; scipy's
curve_fit (tests/ViTDsl.Tests/Analysis/reference_curve_fit.py, plain least squares on log error, written independently
of the C# fitter) is fitted on the same points and predicts the same ones. Prints the RMS of log(predicted/observed)
on the held-out evaluations for both, as a markdown table.
"""
import json
import math
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "ViTDsl.Tests", "Analysis"))
from reference_curve_fit import fit_and_predict  # noqa: E402


def rms_log(predicted, observed):
    return math.sqrt(sum(math.log(p / o) ** 2 for p, o in zip(predicted, observed)) / len(observed))


def main():
    sources = sys.argv[1:] or ["-"]
    print("| model | held out | form | ViTDsl RMS log error | scipy RMS log error | ratio |")
    print("|---|---|---|---|---|---|")
    for source in sources:
        curves = json.load(sys.stdin if source == "-" else open(source))
        for curve in curves:
            points = [(p["compute"], p["error"]) for p in curve["points"]]
            for law in curve["laws"]:
                e = law.get("extrapolation")
                if not e:
                    continue
                held = e["heldOut"]
                held_x = {h["compute"] for h in held}
                train = [p for p in points if p[0] not in held_x]
                observed = [h["observed"] for h in held]
                ours = rms_log([h["predicted"] for h in held], observed)
                try:
                    theirs = rms_log(fit_and_predict(law["form"], train, [h["compute"] for h in held]), observed)
                except (RuntimeError, ValueError):
                    theirs = float("nan")
                print(f"| {curve['model']} | {len(held)} | {law['form']} | {ours:.4f} | {theirs:.4f} | {ours / theirs:.2f} |")


if __name__ == "__main__":
    main()
