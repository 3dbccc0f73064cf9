"""Independent numpy oracle for ViTDsl's optimizer chain (docs/reference.md §3-4, big_vision/optax semantics).

Reads JSON from the file named by its argument, writes JSON to stdout. Computes in float64; state stored in bfloat16 is rounded from float32
with round-to-nearest-even, as torch and jax do. Input:
  {"optimizer": {...}, "lr": float, "clip": float|null, "schedules": [s_t...], "start_step": int,
   "tensors": [{"shape": [...], "theta": [flat], "grads": [[flat per step]...], "decay": float,
                "view": [...]?, "perm": [...]?}]}
A tensor with "view" and "perm" is big_vision's array np.transpose(x.reshape(view), perm) of the torch-shaped x
(e.g. a q kernel (D, heads, D/heads)); the optimizer works on that array, as optax does in big_vision.
Output: {"thetas": [[flat per tensor] per step], "states": [{name: flat} per tensor]} (Adafactor's states in
big_vision's shape, the element-wise optimizers' in torch's).
"""
import json
import sys

import numpy as np


def bf16(x):
    bits = np.asarray(x, np.float32).reshape(-1).view(np.uint32).astype(np.uint64)
    bits = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16) << 16
    return bits.astype(np.uint32).view(np.float32).astype(np.float64).reshape(np.shape(x))


def store(x, dtype):
    return bf16(x) if dtype == "Bf16" else np.asarray(x, np.float32).astype(np.float64)


def factored_axes(shape, min_dim):
    if len(shape) < 2:
        return None
    order = np.argsort(np.array(shape), kind="stable")
    d0, d1 = int(order[-1]), int(order[-2])
    return None if shape[d1] < min_dim else (d0, d1)


class Adam:
    factors = False

    def __init__(self, cfg, shape):
        self.c = cfg
        self.mu = np.zeros(shape)
        self.nu = np.zeros(shape)

    def update(self, g, step):
        c = self.c
        mu = c["beta1"] * self.mu + (1 - c["beta1"]) * g
        nu = c["beta2"] * self.nu + (1 - c["beta2"]) * g * g
        t = step + 1
        u = (mu / (1 - c["beta1"] ** t)) / (np.sqrt(nu / (1 - c["beta2"] ** t)) + c["eps"])
        self.mu, self.nu = store(mu, c["first_moment"]), store(nu, "F32")
        return u

    def state(self):
        return {"mu": self.mu, "nu": self.nu}


class Adafactor:
    factors = True  # works on big_vision's array; the element-wise optimizers give the same result on any layout

    def __init__(self, cfg, shape):
        self.c = cfg
        self.axes = factored_axes(shape, cfg["min_dim"])
        if self.axes:
            d0, d1 = self.axes
            self.v_row = np.zeros(np.delete(np.array(shape), d0))
            self.v_col = np.zeros(np.delete(np.array(shape), d1))
        else:
            self.v = np.zeros(shape)
        self.m = np.zeros(shape) if cfg["momentum"] is not None else None

    def update(self, g, step):
        c = self.c
        beta2 = min(c["beta2_cap"], 1 - (step + 1.0) ** (-c["decay_rate"]))
        g2 = g * g + c["eps"]
        if self.axes:
            d0, d1 = self.axes
            row = beta2 * self.v_row + (1 - beta2) * g2.mean(axis=d0)
            col = beta2 * self.v_col + (1 - beta2) * g2.mean(axis=d1)
            row_mean = row.mean(axis=d1 - 1 if d1 > d0 else d1, keepdims=True)
            u = g * np.expand_dims((row / row_mean) ** -0.5, d0) * np.expand_dims(col ** -0.5, d1)
            self.v_row, self.v_col = store(row, "F32"), store(col, "F32")
        else:
            v = beta2 * self.v + (1 - beta2) * g2
            u = g * v ** -0.5
            self.v = store(v, "F32")
        if c["clip"] is not None:
            u = u / max(1.0, np.sqrt(np.mean(u * u)) / c["clip"])
        if self.m is not None:
            u = c["momentum"] * self.m + (1 - c["momentum"]) * u
            self.m = store(u, c["momentum_dtype"])
        return u

    def state(self):
        s = {"v_row": self.v_row, "v_col": self.v_col} if self.axes else {"v": self.v}
        if self.m is not None:
            s["momentum"] = self.m
        return s


class Sgd:
    factors = False

    def __init__(self, cfg, shape):
        self.c = cfg
        self.trace = np.zeros(shape)

    def update(self, g, step):
        c = self.c
        trace = g + c["momentum"] * self.trace
        u = g + c["momentum"] * trace if c["nesterov"] else trace
        self.trace = store(trace, c["momentum_dtype"])
        return u

    def state(self):
        return {"trace": self.trace}


def relaid(kind, t):
    return kind.factors and "view" in t


def big_vision_shape(kind, t):
    return tuple(np.array(t["view"])[t["perm"]]) if relaid(kind, t) else tuple(t["shape"])


def to_big_vision(kind, t, x):
    return np.transpose(x.reshape(t["view"]), t["perm"]) if relaid(kind, t) else x


def to_torch(kind, t, x):
    return np.transpose(x, np.argsort(t["perm"])).reshape(t["shape"]) if relaid(kind, t) else x


def main():
    with open(sys.argv[1]) as f:
        spec = json.load(f)
    kind = {"adam": Adam, "adafactor": Adafactor, "sgd": Sgd}[spec["optimizer"]["kind"]]
    tensors = spec["tensors"]
    thetas = [np.array(t["theta"], np.float64).reshape(t["shape"]) for t in tensors]
    rules = [kind(spec["optimizer"], big_vision_shape(kind, t)) for t in tensors]
    history = []
    for k, schedule in enumerate(spec["schedules"]):
        step = spec["start_step"] + k
        grads = [np.array(t["grads"][k], np.float64).reshape(t["shape"]) for t in tensors]
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        if spec["clip"] is not None and norm >= spec["clip"]:
            grads = [g / norm * spec["clip"] for g in grads]
        for i, t in enumerate(tensors):
            u = to_torch(kind, t, rules[i].update(to_big_vision(kind, t, grads[i]), step))
            thetas[i] = thetas[i] - schedule * (spec["lr"] * u + t["decay"] * thetas[i])
        history.append([th.reshape(-1).tolist() for th in thetas])
    states = [{k: v.reshape(-1).tolist() for k, v in r.state().items()} for r in rules]
    json.dump({"thetas": history, "states": states}, sys.stdout)


main()
