"""An independent ViT in PyTorch (Debian's python3-torch), float64, with timm's VisionTransformer parameter names
(timm/models/vision_transformer.py, timm/layers/attention_pool.py), and the big_vision layout conversions written from
big_vision/models/vit.py. Shares no code with ViTDsl: its own safetensors reader and writer (json + numpy), numpy's
npz. Input: a JSON file (see main). Output: logits written as safetensors.

mode "logits": load weights (timm names in safetensors; big_vision names in safetensors or npz), print nothing, write logits.
mode "random": draw its own weights, save them (timm: safetensors; big_vision: npz via numpy), write logits.
"""
import json
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F64": np.float64, "F32": np.float32, "F16": np.float16, "I64": np.int64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        out[name] = np.frombuffer(body[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"]).copy()
    return out


def write_safetensors(path, arrays):
    header, offset, chunks = {}, 0, []
    for name, a in arrays.items():
        a = np.ascontiguousarray(a, dtype=np.float64)
        raw = a.tobytes()
        header[name] = {"dtype": "F64", "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        chunks.append(raw)
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(chunks))


class Mlp(nn.Module):
    def __init__(self, d, m):
        super().__init__()
        self.fc1, self.fc2 = nn.Linear(d, m), nn.Linear(m, d)

    def forward(self, x):
        return self.fc2(F.gelu(self.fc1(x), approximate="tanh"))


def attend(q, k, v):
    scores = q @ k.transpose(-2, -1) * q.shape[-1] ** -0.5
    return scores.softmax(-1) @ v


class Attention(nn.Module):
    def __init__(self, d, h):
        super().__init__()
        self.h = h
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)

    def forward(self, x):
        b, n, d = x.shape
        q, k, v = self.qkv(x).reshape(b, n, 3, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        return self.proj(attend(q, k, v).transpose(1, 2).reshape(b, n, d))


class Block(nn.Module):
    def __init__(self, d, m, h):
        super().__init__()
        self.norm1, self.attn = nn.LayerNorm(d, eps=1e-6), Attention(d, h)
        self.norm2, self.mlp = nn.LayerNorm(d, eps=1e-6), Mlp(d, m)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class AttentionPoolLatent(nn.Module):
    def __init__(self, d, m, h):
        super().__init__()
        self.h = h
        self.latent = nn.Parameter(torch.zeros(1, 1, d))
        self.q, self.kv, self.proj = nn.Linear(d, d), nn.Linear(d, 2 * d), nn.Linear(d, d)
        self.norm, self.mlp = nn.LayerNorm(d, eps=1e-6), Mlp(d, m)

    def forward(self, x):
        b, n, d = x.shape
        q = self.q(self.latent.expand(b, -1, -1)).reshape(b, 1, self.h, d // self.h).transpose(1, 2)
        k, v = self.kv(x).reshape(b, n, 2, self.h, d // self.h).permute(2, 0, 3, 1, 4)
        x = self.proj(attend(q, k, v).transpose(1, 2).reshape(b, 1, d))
        x = x + self.mlp(self.norm(x))
        return x[:, 0]


class PatchEmbed(nn.Module):
    def __init__(self, c, d, p):
        super().__init__()
        self.proj = nn.Conv2d(c, d, p, stride=p)


class VisionTransformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        d, p, self.pool = cfg["width"], cfg["patch"], cfg["pool"]
        n = (cfg["image"] // p) ** 2
        self.patch_embed = PatchEmbed(cfg["channels"], d, p)
        if self.pool == "token":
            self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.zeros(1, n + (self.pool == "token"), d))
        self.blocks = nn.ModuleList([Block(d, cfg["mlp"], cfg["heads"]) for _ in range(cfg["depth"])])
        self.norm = nn.LayerNorm(d, eps=1e-6)
        if self.pool == "map":
            self.attn_pool = AttentionPoolLatent(d, cfg["mlp"], cfg["heads"])
        self.head = nn.Linear(d, cfg["classes"])

    def forward(self, images):
        x = self.patch_embed.proj(images).flatten(2).transpose(1, 2)
        if self.pool == "token":
            x = torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], 1)
        x = x + self.pos_embed
        for block in self.blocks:
            x = block(x)
        x = self.norm(x)
        x = x[:, 0] if self.pool == "token" else x.mean(1) if self.pool == "gap" else self.attn_pool(x)
        return self.head(x)


def timm_from_big_vision(bv, cfg):
    """big_vision arrays -> timm state dict, from big_vision/models/vit.py's shapes."""
    d, h, token = cfg["width"], cfg["heads"], cfg["pool"] == "token"
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float64))
    sd = {"patch_embed.proj.weight": t(bv["embedding/kernel"].transpose(3, 2, 0, 1)), "patch_embed.proj.bias": t(bv["embedding/bias"])}
    pos = bv["pos_embedding"]
    if token:
        sd["cls_token"] = t(bv["cls"])  # big_vision's class token gets no position embedding: a zero row in timm's
        pos = np.concatenate([np.zeros((1, 1, d)), pos], 1)
    sd["pos_embed"] = t(pos)

    def ln(dst, src):
        sd[dst + ".weight"], sd[dst + ".bias"] = t(bv[src + "/scale"]), t(bv[src + "/bias"])

    def dense(dst, src):
        sd[dst + ".weight"], sd[dst + ".bias"] = t(bv[src + "/kernel"].T), t(bv[src + "/bias"])

    def heads_in(names, src, dst):
        sd[dst + ".weight"] = t(np.concatenate([bv[f"{src}/{n}/kernel"].reshape(d, d).T for n in names]))
        sd[dst + ".bias"] = t(np.concatenate([bv[f"{src}/{n}/bias"].reshape(-1) for n in names]))

    def out(src, dst):
        sd[dst + ".weight"], sd[dst + ".bias"] = t(bv[src + "/out/kernel"].reshape(d, d).T), t(bv[src + "/out/bias"])

    for i in range(cfg["depth"]):
        s, b = f"Transformer/encoderblock_{i}", f"blocks.{i}"
        ln(b + ".norm1", s + "/LayerNorm_0")
        heads_in(["query", "key", "value"], s + "/MultiHeadDotProductAttention_0", b + ".attn.qkv")
        out(s + "/MultiHeadDotProductAttention_0", b + ".attn.proj")
        ln(b + ".norm2", s + "/LayerNorm_1")
        dense(b + ".mlp.fc1", s + "/MlpBlock_0/Dense_0")
        dense(b + ".mlp.fc2", s + "/MlpBlock_0/Dense_1")
    ln("norm", "Transformer/encoder_norm")
    if cfg["pool"] == "map":
        sd["attn_pool.latent"] = t(bv["MAPHead_0/probe"])
        heads_in(["query"], "MAPHead_0/MultiHeadDotProductAttention_0", "attn_pool.q")
        heads_in(["key", "value"], "MAPHead_0/MultiHeadDotProductAttention_0", "attn_pool.kv")
        out("MAPHead_0/MultiHeadDotProductAttention_0", "attn_pool.proj")
        ln("attn_pool.norm", "MAPHead_0/LayerNorm_0")
        dense("attn_pool.mlp.fc1", "MAPHead_0/MlpBlock_0/Dense_0")
        dense("attn_pool.mlp.fc2", "MAPHead_0/MlpBlock_0/Dense_1")
    dense("head", "head")
    return sd


def big_vision_from_timm(sd, cfg):
    """timm state dict -> big_vision arrays (the inverse of timm_from_big_vision)."""
    d, h, token = cfg["width"], cfg["heads"], cfg["pool"] == "token"
    a = {k: v.detach().numpy() for k, v in sd.items()}
    bv = {"embedding/kernel": a["patch_embed.proj.weight"].transpose(2, 3, 1, 0), "embedding/bias": a["patch_embed.proj.bias"]}
    pos = a["pos_embed"]
    if token:
        bv["cls"] = a["cls_token"] + pos[:, :1]
        pos = pos[:, 1:]
    bv["pos_embedding"] = pos

    def ln(src, dst):
        bv[dst + "/scale"], bv[dst + "/bias"] = a[src + ".weight"], a[src + ".bias"]

    def dense(src, dst):
        bv[dst + "/kernel"], bv[dst + "/bias"] = a[src + ".weight"].T, a[src + ".bias"]

    def heads_in(src, names, dst):
        for n, w, b in zip(names, np.split(a[src + ".weight"], len(names)), np.split(a[src + ".bias"], len(names))):
            bv[f"{dst}/{n}/kernel"], bv[f"{dst}/{n}/bias"] = w.T.reshape(d, h, d // h), b.reshape(h, d // h)

    def out(src, dst):
        bv[dst + "/out/kernel"], bv[dst + "/out/bias"] = a[src + ".weight"].T.reshape(h, d // h, d), a[src + ".bias"]

    for i in range(cfg["depth"]):
        s, b = f"Transformer/encoderblock_{i}", f"blocks.{i}"
        ln(b + ".norm1", s + "/LayerNorm_0")
        heads_in(b + ".attn.qkv", ["query", "key", "value"], s + "/MultiHeadDotProductAttention_0")
        out(b + ".attn.proj", s + "/MultiHeadDotProductAttention_0")
        ln(b + ".norm2", s + "/LayerNorm_1")
        dense(b + ".mlp.fc1", s + "/MlpBlock_0/Dense_0")
        dense(b + ".mlp.fc2", s + "/MlpBlock_0/Dense_1")
    ln("norm", "Transformer/encoder_norm")
    if cfg["pool"] == "map":
        bv["MAPHead_0/probe"] = a["attn_pool.latent"]
        heads_in("attn_pool.q", ["query"], "MAPHead_0/MultiHeadDotProductAttention_0")
        heads_in("attn_pool.kv", ["key", "value"], "MAPHead_0/MultiHeadDotProductAttention_0")
        out("attn_pool.proj", "MAPHead_0/MultiHeadDotProductAttention_0")
        ln("attn_pool.norm", "MAPHead_0/LayerNorm_0")
        dense("attn_pool.mlp.fc1", "MAPHead_0/MlpBlock_0/Dense_0")
        dense("attn_pool.mlp.fc2", "MAPHead_0/MlpBlock_0/Dense_1")
    dense("head", "head")
    return {k: np.ascontiguousarray(v) for k, v in bv.items()}


def main():
    job = json.load(open(sys.argv[1]))
    cfg = job["config"]
    torch.manual_seed(job.get("seed", 0))
    model = VisionTransformer(cfg).double()
    if job["mode"] == "random":
        with torch.no_grad():
            for name, p in model.named_parameters():
                p.copy_(torch.randn_like(p) * (0.1 if "norm" not in name else 0.2) + (1.0 if name.endswith("norm.weight") or ".norm1.weight" in name or ".norm2.weight" in name else 0.0))
        if job["names"] == "timm":
            write_safetensors(job["weights"], {k: v.detach().numpy() for k, v in model.state_dict().items()})
        else:
            np.savez(job["weights"], **big_vision_from_timm(model.state_dict(), cfg))
    else:
        if job["names"] == "timm":
            sd = {k: torch.from_numpy(v.astype(np.float64)) for k, v in read_safetensors(job["weights"]).items()}
        else:
            arrays = dict(np.load(job["weights"])) if job["weights"].endswith(".npz") else read_safetensors(job["weights"])
            sd = timm_from_big_vision(arrays, cfg)
        model.load_state_dict(sd, strict=True)  # every name and shape must match timm's, none missing or extra
    images = torch.from_numpy(read_safetensors(job["images"])["images"].astype(np.float64))
    with torch.no_grad():
        write_safetensors(job["logits"], {"logits": model(images).numpy()})


if __name__ == "__main__":
    main()
