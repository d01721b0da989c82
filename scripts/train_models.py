#!/usr/bin/python3
"""Train the four Fashion-MNIST models shipped in models/ and export them to ONNX.

    /usr/bin/python3 scripts/train_models.py [--epochs N] [--out models] [--seed 20240601] [--only NAME ...]

Needs the Debian packages python3-torch, python3-onnx and dataset-fashion-mnist (no downloads).

What it does, in order:
  1. reads Fashion-MNIST from /usr/share/datasets/fashion-mnist/*.gz (IDX, gzip);
  2. writes the first 1,000 test records, uncompressed and byte-identical to t10k, to
     <out>/fashion-mnist-test-1000-{images-idx3,labels-idx1}-ubyte;
  3. trains MiniONN, LeNet, an MLP and a 10-layer MLP (Adam, fixed seed, 2 threads) on pixels / 255
     in [0, 1] (no mean/std normalisation: the inference system feeds [0, 1] values directly);
  4. exports each to <out>/<name>.onnx (opset 13, constant folding, batch 1, input "input",
     output "logits"), re-loads it, runs onnx.checker, prints the ops, initializers and
     attributes, and checks a pure-numpy interpreter of the ONNX graph against torch;
  5. reports float accuracy on the full 10,000-image test set, plus an *estimate* of the
     fixed-point accuracy (8 fractional bits) and the Z_p headroom, simulated in Python after
     docs/fixed-point.md. The authoritative fixed-point figures come from `seco infer --fixed`.
  6. writes <out>/training-summary.json with everything printed above. With --only, the file is
     updated, not replaced: the trained models' entries are replaced (or added), every other entry
     and the top-level fields (which describe the full run) are kept as they are, and each trained
     model's entry records the partial run in its own "run" field.

Note on AveragePool: torch 1.13 exports nn.AvgPool2d(count_include_pad=True) (the default) as a
Constant + all-zero Pad node in front of the AveragePool. With padding = 0 the flag changes
nothing numerically, so the models use count_include_pad=False and the graph has no Pad node.
"""

import argparse
import collections
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn as nn

DATA_DIR = "/usr/share/datasets/fashion-mnist"
SUBSET = 1000
FRACTIONAL_BITS = 8
HALF_P = (2061584302081 - 1) // 2  # (p - 1) / 2 for p = 2^41 - 2^37 + 1 (docs/fixed-point.md)
ALLOWED_OPS = {"Conv", "AveragePool", "Relu", "Flatten", "Reshape", "Gemm", "MatMul", "Add"}
# ResNet-32's option-A shortcut (subsample + zero-pad channels) exports as Slice and a Pad whose pads
# torch 1.13 computes from constants (Constant, ConstantOfShape, Concat, Reshape, Slice, Transpose, Cast);
# Seco.Nn folds that constant arithmetic on import.
RESNET_OPS = ALLOWED_OPS | {"Identity", "Slice", "Pad", "Constant", "ConstantOfShape", "Concat", "Transpose", "Cast", "GlobalAveragePool"}

# Per-model defaults; --epochs overrides all of them.
DEFAULT_EPOCHS = {"minionn": 15, "lenet": 6, "mlp": 10, "deepmlp": 12, "resnet32": 6}
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-5  # light L2 (Adam weight_decay)
BATCH_SIZE = 64


# ---------------------------------------------------------------------------------------------
# Data


def read_idx_gz(path):
    """Returns (raw bytes, header bytes, dims, payload as uint8 numpy array)."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    zero, dtype, rank = struct.unpack(">HBB", raw[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()})")
    dims = struct.unpack(">" + "I" * rank, raw[4:4 + 4 * rank])
    header_len = 4 + 4 * rank
    payload = np.frombuffer(raw, dtype=np.uint8, offset=header_len)
    if payload.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {payload.size} data bytes for dims {dims}")
    return raw, header_len, dims, payload.reshape(dims)


def load_split(prefix):
    _, _, _, images = read_idx_gz(os.path.join(DATA_DIR, f"{prefix}-images-idx3-ubyte.gz"))
    _, _, _, labels = read_idx_gz(os.path.join(DATA_DIR, f"{prefix}-labels-idx1-ubyte.gz"))
    x = torch.from_numpy(images.astype(np.float32) / np.float32(255.0)).unsqueeze(1)  # N x 1 x 28 x 28
    y = torch.from_numpy(labels.astype(np.int64))
    return images, labels, x, y


def write_subset(out_dir, count=SUBSET):
    """First `count` records of t10k, uncompressed. Only the count in the header changes."""
    written = {}
    for kind, idx in (("images", "idx3"), ("labels", "idx1")):
        src = os.path.join(DATA_DIR, f"t10k-{kind}-{idx}-ubyte.gz")
        raw, header_len, dims, _ = read_idx_gz(src)
        record = int(np.prod(dims[1:])) if len(dims) > 1 else 1
        header = raw[:4] + struct.pack(">I", count) + raw[8:header_len]
        body = raw[header_len:header_len + count * record]
        data = header + body
        dst = os.path.join(out_dir, f"fashion-mnist-test-{count}-{kind}-{idx}-ubyte")
        with open(dst, "wb") as f:
            f.write(data)
        # check: byte-identical records, expected size and magic
        with open(dst, "rb") as f:
            back = f.read()
        assert back[header_len:] == raw[header_len:header_len + count * record]
        assert len(back) == header_len + count * record
        assert struct.unpack(">I", back[:4])[0] == (0x803 if kind == "images" else 0x801)
        written[kind] = {"path": dst, "bytes": len(back), "magic": back[:4].hex(),
                         "dims": [count] + list(dims[1:])}
        print(f"wrote {dst} ({len(back)} bytes, magic 0x{back[:4].hex()}, dims {[count] + list(dims[1:])})")
    return written


# ---------------------------------------------------------------------------------------------
# Models


class Net(nn.Module):
    """Conv/pool/ReLU feature layers, then torch.flatten(x, 1) (exports as one Flatten node), then
    the classifier. count_include_pad=False keeps torch 1.13 from emitting an all-zero Pad node."""

    def __init__(self, features, classifier):
        super().__init__()
        self.features = nn.Sequential(collections.OrderedDict(features))
        self.classifier = nn.Sequential(collections.OrderedDict(classifier))

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.classifier(x)


def pool():
    return nn.AvgPool2d(kernel_size=2, stride=2, padding=0, count_include_pad=False)


def minionn():
    return Net(
        [("conv1", nn.Conv2d(1, 16, 5)), ("pool1", pool()), ("relu1", nn.ReLU()),
         ("conv2", nn.Conv2d(16, 16, 5)), ("pool2", pool()), ("relu2", nn.ReLU())],
        [("fc1", nn.Linear(256, 100)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(100, 10))])


def lenet():
    return Net(
        [("conv1", nn.Conv2d(1, 20, 5)), ("pool1", pool()), ("relu1", nn.ReLU()),
         ("conv2", nn.Conv2d(20, 50, 5)), ("pool2", pool()), ("relu2", nn.ReLU())],
        [("fc1", nn.Linear(800, 500)), ("relu3", nn.ReLU()), ("fc2", nn.Linear(500, 10))])


def mlp():
    return Net(
        [],
        [("fc1", nn.Linear(784, 128)), ("relu1", nn.ReLU()), ("fc2", nn.Linear(128, 128)),
         ("relu2", nn.ReLU()), ("fc3", nn.Linear(128, 10))])


def deepmlp():
    """784 -> 128, eight 128 -> 128, 128 -> 10: ten Gemm blocks (nine with a ReLU), deep enough to
    split one block per tier over an 8-tier hierarchy. PyTorch's default initialisation on purpose:
    Kaiming-normal trains faster (0.868 after 3 epochs against 0.845), but its larger weights pushed
    the worst-case Z_p bound of blocks 9 and 10 past p/2 ≈ 2^39.9 at f = 8 (2^40.5 and 2^43.4
    after 3 epochs); with the default the trained model keeps more than 4 bits of margin."""
    layers = [("fc1", nn.Linear(784, 128)), ("relu1", nn.ReLU())]
    for i in range(2, 10):
        layers += [(f"fc{i}", nn.Linear(128, 128)), (f"relu{i}", nn.ReLU())]
    layers.append(("fc10", nn.Linear(128, 10)))
    return Net([], layers)


class ResidualBlock(nn.Module):
    """He et al.'s CIFAR basic block: conv3x3-BN-ReLU-conv3x3-BN, plus the shortcut, then ReLU. Where the
    shape changes (stride 2, twice the channels) the shortcut is option A of the paper: subsample by 2 and
    zero-pad the new channels (no parameters), exported as Slice + Pad."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.pad = (outputs - inputs) // 2 if stride != 1 or inputs != outputs else None

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        shortcut = x if self.pad is None else \
            nn.functional.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0.0)
        return torch.relu(y + shortcut)


class ResNet(nn.Module):
    """ResNet-6n+2 for 3x32x32 inputs (He et al. 2016, section 4.2): a 3x3 conv to 16 channels, three stages
    of n basic blocks with 16, 32, 64 channels (the first block of stages 2 and 3 has stride 2), global
    average pooling (8x8: divisor 64, a power of two) and one linear layer. n = 5 is ResNet-32: 31 convs and
    the linear layer; 100 outputs as in the SECO paper's CIFAR-100 model."""

    def __init__(self, n=5, classes=100):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        blocks, width = [], 16
        for outputs, stride in ((16, 1), (32, 2), (64, 2)):
            for k in range(n):
                blocks.append(ResidualBlock(width, outputs, stride if k == 0 else 1))
                width = outputs
        self.stages = nn.Sequential(*blocks)
        self.pool = nn.AvgPool2d(8, count_include_pad=False)
        self.fc = nn.Linear(64, classes)

    def forward(self, x):
        x = torch.relu(self.bn1(self.conv1(x)))
        x = self.pool(self.stages(x))
        return self.fc(torch.flatten(x, 1))


def resnet32():
    return ResNet(5, 100)


MODELS = collections.OrderedDict([("minionn", minionn), ("lenet", lenet), ("mlp", mlp), ("deepmlp", deepmlp),
                                  ("resnet32", resnet32)])
# Models whose input is 3x32x32: Fashion-MNIST padded by 2 zero pixels on each side, replicated to three
# channels (no CIFAR data set is reachable here); labels 0..9 on the first ten of the 100 outputs.
RGB32 = {"resnet32"}


def to_rgb32(x):
    """N x 1 x 28 x 28 in [0, 1] -> N x 3 x 32 x 32: zero-pad 2 pixels each side, copy to three channels."""
    return nn.functional.pad(x, (2, 2, 2, 2)).repeat(1, 3, 1, 1)


def input_shape(name):
    return (1, 3, 32, 32) if name in RGB32 else (1, 1, 28, 28)


def layer_table(model):
    """(name, layer, output shape, parameter count) for every module, from a 1x1x28x28 probe (a 3x32x32 one
    for the residual network, listed per top-level module)."""
    rows = []
    if isinstance(model, ResNet):
        x = torch.zeros(1, 3, 32, 32)
        with torch.no_grad():
            x = torch.relu(model.bn1(model.conv1(x)))
            rows.append(("conv1+bn1+relu", repr(model.conv1), list(x.shape[1:]), sum(p.numel() for p in [*model.conv1.parameters(), *model.bn1.parameters()])))
            for i, b in enumerate(model.stages):
                x = b(x)
                rows.append((f"stages.{i}", "ResidualBlock" + ("" if b.pad is None else f" (option A shortcut, pad {b.pad})"),
                             list(x.shape[1:]), sum(p.numel() for p in b.parameters())))
            x = torch.flatten(model.pool(x), 1)
            rows.append(("pool+flatten", repr(model.pool), list(x.shape[1:]), 0))
            x = model.fc(x)
            rows.append(("fc", repr(model.fc), list(x.shape[1:]), sum(p.numel() for p in model.fc.parameters())))
        return rows
    x = torch.zeros(1, 1, 28, 28)
    with torch.no_grad():
        for name, m in model.features.named_children():
            x = m(x)
            rows.append((f"features.{name}", repr(m), list(x.shape[1:]), sum(p.numel() for p in m.parameters())))
        x = torch.flatten(x, 1)
        rows.append(("flatten", "torch.flatten(x, 1)", list(x.shape[1:]), 0))
        for name, m in model.classifier.named_children():
            x = m(x)
            rows.append((f"classifier.{name}", repr(m), list(x.shape[1:]), sum(p.numel() for p in m.parameters())))
    return rows


# ---------------------------------------------------------------------------------------------
# Training and evaluation


def evaluate(model, x, y, batch=1000):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(x), batch):
            correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return correct / len(x)


def train(name, model, x, y, xt, yt, epochs, seed):
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
    # cosine decay of the learning rate over the run, stepped once per epoch
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=epochs, eta_min=LEARNING_RATE / 20)
    loss_fn = nn.CrossEntropyLoss()
    history = []
    start = time.perf_counter()
    for epoch in range(1, epochs + 1):
        model.train()
        perm = torch.randperm(len(x), generator=gen)
        total, t0 = 0.0, time.perf_counter()
        for i in range(0, len(x), BATCH_SIZE):
            idx = perm[i:i + BATCH_SIZE]
            opt.zero_grad()
            loss = loss_fn(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        sched.step()
        acc = evaluate(model, xt, yt)
        history.append({"epoch": epoch, "train_loss": round(total / len(x), 5), "test_accuracy": acc,
                        "seconds": round(time.perf_counter() - t0, 1)})
        print(f"  [{name}] epoch {epoch}/{epochs}: loss {total / len(x):.4f}, test acc {acc:.4f} "
              f"({time.perf_counter() - t0:.1f} s)", flush=True)
    return history, time.perf_counter() - start


# ---------------------------------------------------------------------------------------------
# ONNX export, inspection and a pure-numpy interpreter


def export(model, path, shape=(1, 1, 28, 28)):
    model.eval()
    torch.onnx.export(model, torch.zeros(*shape), path, export_params=True, opset_version=13,
                      do_constant_folding=True, input_names=["input"], output_names=["logits"])


def describe_onnx(path):
    m = onnx.load(path)
    onnx.checker.check_model(m)
    nodes = []
    for n in m.graph.node:
        attrs = {}
        for a in n.attribute:
            v = onnx.helper.get_attribute_value(a)
            attrs[a.name] = v.decode() if isinstance(v, bytes) else (list(v) if isinstance(v, (list, tuple)) else v)
        nodes.append({"op": n.op_type, "name": n.name, "inputs": list(n.input), "outputs": list(n.output), "attributes": attrs})
    inits = [{"name": t.name, "dims": list(t.dims), "dtype": onnx.TensorProto.DataType.Name(t.data_type),
              "raw_data": t.HasField("raw_data")} for t in m.graph.initializer]

    def vi(v):
        return {"name": v.name, "shape": [d.dim_value if d.HasField("dim_value") else d.dim_param
                                          for d in v.type.tensor_type.shape.dim]}
    return m, {
        "ir_version": m.ir_version,
        "opsets": {(o.domain or "ai.onnx"): o.version for o in m.opset_import},
        "producer": f"{m.producer_name} {m.producer_version}",
        "inputs": [vi(v) for v in m.graph.input],
        "outputs": [vi(v) for v in m.graph.output],
        "ops": [n["op"] for n in nodes],
        "nodes": nodes,
        "initializers": inits,
        "bytes": os.path.getsize(path),
    }


def _attr(node, name, default):
    for a in node.attribute:
        if a.name == name:
            v = onnx.helper.get_attribute_value(a)
            return list(v) if isinstance(v, (list, tuple)) else v
    return default


def _im2col_conv(x, w, b, stride, pads):
    # x: N,C,H,W  w: O,C,kh,kw
    t, l, bt, r = pads
    x = np.pad(x, ((0, 0), (0, 0), (t, bt), (l, r)))
    n, c, h, wd = x.shape
    o, _, kh, kw = w.shape
    sh, sw = stride
    oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
    cols = np.empty((n, c, kh, kw, oh, ow), dtype=x.dtype)
    for i in range(kh):
        for j in range(kw):
            cols[:, :, i, j] = x[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
    y = np.einsum("ncijpq,ocij->nopq", cols, w, optimize=True)
    return y + (b.reshape(1, o, 1, 1) if b is not None else 0)


def numpy_forward(m, x):
    """A tiny pure-numpy ONNX interpreter for exactly the ops the models use (float64)."""
    env = {t.name: onnx.numpy_helper.to_array(t).astype(np.float64) for t in m.graph.initializer}
    env[m.graph.input[0].name] = x.astype(np.float64)
    for node in m.graph.node:
        ins = [env[i] if i else None for i in node.input]
        op = node.op_type
        if op == "Conv":
            assert _attr(node, "group", 1) == 1 and _attr(node, "dilations", [1, 1]) == [1, 1]
            pads = _attr(node, "pads", [0, 0, 0, 0])
            y = _im2col_conv(ins[0], ins[1], ins[2] if len(ins) > 2 else None, _attr(node, "strides", [1, 1]),
                             (pads[0], pads[1], pads[2], pads[3]))
        elif op == "AveragePool":
            assert _attr(node, "ceil_mode", 0) == 0 and _attr(node, "pads", [0, 0, 0, 0]) == [0, 0, 0, 0]
            kh, kw = _attr(node, "kernel_shape", None)
            sh, sw = _attr(node, "strides", [1, 1])
            xi = ins[0]
            n, c, h, wd = xi.shape
            oh, ow = (h - kh) // sh + 1, (wd - kw) // sw + 1
            y = np.zeros((n, c, oh, ow))
            for i in range(kh):
                for j in range(kw):
                    y += xi[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw]
            y /= kh * kw
        elif op == "Relu":
            y = np.maximum(ins[0], 0)
        elif op == "Flatten":
            axis = _attr(node, "axis", 1)
            y = ins[0].reshape(int(np.prod(ins[0].shape[:axis])), -1)
        elif op == "Reshape":
            y = ins[0].reshape([int(v) for v in ins[1]])
        elif op == "Gemm":
            a, bm = ins[0], ins[1]
            if _attr(node, "transA", 0):
                a = a.T
            if _attr(node, "transB", 0):
                bm = bm.T
            y = _attr(node, "alpha", 1.0) * (a @ bm)
            if len(ins) > 2 and ins[2] is not None:
                y = y + _attr(node, "beta", 1.0) * ins[2]
        elif op == "MatMul":
            y = ins[0] @ ins[1]
        elif op == "Add":
            y = ins[0] + ins[1]
        else:
            raise ValueError(f"numpy_forward: unsupported op {op}")
        env[node.output[0]] = y
    return env[m.graph.output[0].name]


# ---------------------------------------------------------------------------------------------
# Fixed-point estimate (docs/fixed-point.md), for information only: `seco infer --fixed` is the
# authority. Blocks = linear layers up to each ReLU; weights round(w * 2^f), biases at the layer's
# output scale, pooling as a sum, truncation floor(v / 2^(s - f) / pool) then ReLU.


def quantize(v, bits):
    s = np.ldexp(np.asarray(v, dtype=np.float64), bits)
    return np.sign(s) * np.floor(np.abs(s) + 0.5)  # round to nearest, ties away from zero


def fixed_point_blocks(model, f=FRACTIONAL_BITS):
    """List of blocks; each block is a list of ('conv'|'dense'|'pool'|'flatten', params)."""
    layers = list(model.features.children()) + ["flatten"] + list(model.classifier.children())
    blocks, cur = [], []
    for m in layers:
        if isinstance(m, nn.ReLU):
            blocks.append((cur, True))
            cur = []
        elif isinstance(m, nn.Conv2d):
            cur.append(("conv", quantize(m.weight.detach().double().numpy(), f), quantize(m.bias.detach().double().numpy(), 2 * f)))
        elif isinstance(m, nn.Linear):
            cur.append(("dense", quantize(m.weight.detach().double().numpy(), f), quantize(m.bias.detach().double().numpy(), 2 * f)))
        elif isinstance(m, nn.AvgPool2d):
            cur.append(("pool", m.kernel_size, m.stride))
        elif m == "flatten":
            cur.append(("flatten",))
        else:
            raise ValueError(m)
    blocks.append((cur, False))
    return blocks


def _apply_int(layer, x, pos_neg=None):
    """Exact for integer-valued float64 tensors whose partial sums stay below 2^53."""
    kind = layer[0]
    if kind == "conv":
        w = torch.from_numpy(layer[1] if pos_neg is None else pos_neg)
        b = torch.from_numpy(layer[2]) if pos_neg is None else None
        return torch.nn.functional.conv2d(x, w, b)
    if kind == "dense":
        w = torch.from_numpy(layer[1] if pos_neg is None else pos_neg)
        b = torch.from_numpy(layer[2]) if pos_neg is None else None
        return torch.nn.functional.linear(x, w, b)
    if kind == "pool":
        k, s = layer[1], layer[2]
        return torch.nn.functional.avg_pool2d(x, k, s) * (k * k)  # sum pooling (exact: /4 then *4)
    if kind == "flatten":
        return torch.flatten(x, 1)
    raise ValueError(kind)


def _shift(layer_list, f):
    scale = f
    pool = 1
    for l in layer_list:
        if l[0] in ("conv", "dense"):
            scale += f
        elif l[0] == "pool":
            pool *= l[1] * l[1]
    return scale - f + int(np.log2(pool)), scale, pool


def fixed_point_accuracy(model, images_u8, labels, f=FRACTIONAL_BITS):
    blocks = fixed_point_blocks(model, f)
    x = quantize(images_u8.astype(np.float64) / 255.0, f)
    x = torch.from_numpy(x).unsqueeze(1)
    max_abs = 0.0
    with torch.no_grad():
        for layers, relu in blocks:
            for l in layers:
                x = _apply_int(l, x)
                if l[0] != "flatten":
                    max_abs = max(max_abs, x.abs().max().item())
            assert max_abs < 2 ** 52, "float64 no longer exact"
            if relu:
                shift, _, _ = _shift(layers, f)
                x = torch.clamp(torch.floor(x / 2 ** shift), min=0)
    pred = x.argmax(1).numpy()  # torch argmax returns the first maximal index
    return float((pred == labels).mean()), max_abs, pred


def headroom(model, f=FRACTIONAL_BITS):
    """Interval bound per block over all inputs in [0, 1] (like HeadroomAnalysis; float64 sums)."""
    blocks = fixed_point_blocks(model, f)
    lo = torch.zeros(1, 1, 28, 28, dtype=torch.float64)
    hi = torch.full((1, 1, 28, 28), float(2 ** f), dtype=torch.float64)
    out = []
    with torch.no_grad():
        for layers, relu in blocks:
            worst = 0.0
            for l in layers:
                if l[0] in ("conv", "dense"):
                    pos, neg = np.maximum(l[1], 0), np.minimum(l[1], 0)
                    b = torch.from_numpy(l[2]).reshape((1, -1, 1, 1) if l[0] == "conv" else (1, -1))
                    lo, hi = (_apply_int(l, lo, pos) + _apply_int(l, hi, neg) + b,
                              _apply_int(l, hi, pos) + _apply_int(l, lo, neg) + b)
                else:
                    lo, hi = _apply_int(l, lo), _apply_int(l, hi)
                worst = max(worst, lo.abs().max().item(), hi.abs().max().item())
            out.append({"log2_bound": round(float(np.log2(worst)), 2),
                        "margin_bits": round(float(np.log2(HALF_P) - np.log2(worst)), 2)})
            if relu:
                shift, _, _ = _shift(layers, f)
                lo = torch.zeros_like(lo)
                hi = torch.clamp(torch.floor(hi / 2 ** shift), min=0)
    return out


# ---------------------------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--epochs", type=int, default=None,
                    help="epochs for every model (default: " + ", ".join(f"{k} {v}" for k, v in DEFAULT_EPOCHS.items()) + ")")
    ap.add_argument("--out", default="models", help="output directory (default: models)")
    ap.add_argument("--seed", type=int, default=20240601)
    ap.add_argument("--only", choices=list(MODELS), action="append",
                    help="train and export only this model (repeatable); the other models' files are left alone and "
                         "training-summary.json is updated, not replaced")
    ap.add_argument("--threads", type=int, default=2, help="torch CPU threads (default 2)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)
    os.makedirs(args.out, exist_ok=True)
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, numpy {np.__version__}, threads {torch.get_num_threads()}")

    subset = write_subset(args.out)
    _, _, x_train, y_train = load_split("train")
    test_images, test_labels, x_test, y_test = load_split("t10k")
    print(f"train {tuple(x_train.shape)}, test {tuple(x_test.shape)}, pixel range [{x_train.min():.1f}, {x_train.max():.1f}]")

    command = "/usr/bin/python3 scripts/train_models.py" + (f" --epochs {args.epochs}" if args.epochs else "") + \
        "".join(f" --only {name}" for name in (args.only or []))
    summary = {"seed": args.seed, "torch": torch.__version__, "onnx": onnx.__version__, "threads": args.threads,
               "optimizer": f"Adam(lr={LEARNING_RATE}, weight_decay={WEIGHT_DECAY}), cosine LR decay per epoch to lr/20", "batch_size": BATCH_SIZE,
               "command": command, "subset": subset, "models": {}}
    total_start = time.perf_counter()
    for name, ctor in MODELS.items():
        if args.only and name not in args.only:
            continue
        torch.manual_seed(args.seed)
        model = ctor()
        epochs = args.epochs or DEFAULT_EPOCHS[name]
        table = layer_table(model)
        params = sum(p.numel() for p in model.parameters())
        print(f"\n== {name}: {params} parameters, {epochs} epochs")
        for row in table:
            print(f"  {row[0]:<22} {row[1]:<70} -> {row[2]} params {row[3]}")
        xtr, xte = (to_rgb32(x_train), to_rgb32(x_test)) if name in RGB32 else (x_train, x_test)
        history, seconds = train(name, model, xtr, y_train, xte, y_test, epochs, args.seed)
        model.eval()
        acc = evaluate(model, xte, y_test)
        print(f"  [{name}] float test accuracy (10,000 images): {acc:.4f}; training {seconds:.1f} s")

        path = os.path.join(args.out, f"{name}.onnx")
        export(model, path, input_shape(name))
        onnx_model, info = describe_onnx(path)
        print(f"  exported {path}: {info['bytes']} bytes, IR version {info['ir_version']}, opsets {info['opsets']}, "
              f"producer {info['producer']}")
        print(f"  inputs {info['inputs']}, outputs {info['outputs']}")
        print(f"  ops: {' -> '.join(info['ops'])}")
        for n in info["nodes"]:
            print(f"    {n['op']:<12} {n['name']:<28} in={n['inputs']} attrs={n['attributes']}")
        for t in info["initializers"]:
            print(f"    init {t['name']:<22} {t['dims']} {t['dtype']} raw_data={t['raw_data']}")
        unexpected = sorted(set(info["ops"]) - (RESNET_OPS if name in RGB32 else ALLOWED_OPS))
        if unexpected:
            print(f"  WARNING: unexpected ops {unexpected}")

        if name in RGB32:
            # The numpy interpreter and the fixed-point estimate below know chain models only. For the residual
            # network the authoritative checks are in C#: Seco.Nn imports the graph, and `seco infer --fixed`
            # gives the float and fixed-point accuracy (models/README.md); the importer's residual blocks are
            # checked against torch on the fixtures of scripts/residual_fixtures.py.
            with torch.no_grad():
                float_pred = torch.cat([model(xte[i:i + 500]) for i in range(0, len(xte), 500)]).argmax(1).numpy()
            float_acc_1000 = float((float_pred[:SUBSET] == test_labels[:SUBSET]).mean())
            print(f"  [{name}] float accuracy on the first 1,000: {float_acc_1000:.3f}")
            summary["models"][name] = {
                "file": path, "bytes": info["bytes"], "epochs": epochs, "parameters": params,
                "input": "Fashion-MNIST padded to 32x32 (2 zero pixels each side), replicated to 3 channels; labels 0-9 of 100 outputs",
                "training_seconds": round(seconds, 1), "history": history,
                "float_test_accuracy_10000": acc, "float_test_accuracy_first_1000": float_acc_1000,
                "layers": [{"name": r[0], "layer": r[1], "output_shape": r[2], "parameters": r[3]} for r in table],
                # the per-node listing holds Constant tensors (the option-A pads arithmetic): keep the op counts
                "onnx": {k: v for k, v in info.items() if k not in ("bytes", "initializers", "nodes")}
                        | {"op_counts": dict(collections.Counter(info["ops"]))},
            }
            continue
        # exported graph vs torch: onnx-numpy interpreter on the first 32 test images
        with torch.no_grad():
            ref = model(x_test[:32]).double().numpy()
        got = np.concatenate([numpy_forward(onnx_model, x_test[i:i + 1].numpy()) for i in range(32)])
        diff = float(np.abs(got - ref).max())
        same_argmax = bool((got.argmax(1) == ref.argmax(1)).all())
        print(f"  numpy ONNX interpreter vs torch on 32 images: max |diff| {diff:.2e}, same predictions {same_argmax}")
        assert diff < 1e-4 and same_argmax

        fx_acc, fx_max, fx_pred = fixed_point_accuracy(model, test_images, test_labels)
        with torch.no_grad():
            float_pred = model(x_test).argmax(1).numpy()
        agree = float((fx_pred == float_pred).mean())
        fx_acc_1000 = float((fx_pred[:SUBSET] == test_labels[:SUBSET]).mean())
        float_acc_1000 = float((float_pred[:SUBSET] == test_labels[:SUBSET]).mean())
        room = headroom(model)
        print(f"  [{name}] Python fixed-point estimate (f={FRACTIONAL_BITS}): accuracy {fx_acc:.4f} on 10,000 "
              f"({fx_acc_1000:.3f} on the first 1,000; float {float_acc_1000:.3f}), agrees with float on {agree:.4f}, "
              f"largest |linear output| seen {fx_max:.3g} (2^{np.log2(fx_max):.1f})")
        print(f"  [{name}] headroom bound per block (inputs in [0,1]): {room}")
        unsafe = [i + 1 for i, r in enumerate(room) if r["margin_bits"] <= 0]
        if unsafe:
            print(f"  WARNING: [{name}] blocks {unsafe} can exceed (p-1)/2 for some input in [0, 1] at f={FRACTIONAL_BITS}")

        summary["models"][name] = {
            "file": path, "bytes": info["bytes"], "epochs": epochs, "parameters": params,
            "training_seconds": round(seconds, 1), "history": history,
            "float_test_accuracy_10000": acc, "float_test_accuracy_first_1000": float_acc_1000,
            "python_fixed_point_estimate": {"fractional_bits": FRACTIONAL_BITS, "accuracy_10000": fx_acc,
                                            "accuracy_first_1000": fx_acc_1000, "agreement_with_float": agree,
                                            "max_abs_linear_output_log2": round(float(np.log2(fx_max)), 2),
                                            "headroom": room},
            "layers": [{"name": r[0], "layer": r[1], "output_shape": r[2], "parameters": r[3]} for r in table],
            "onnx": {k: v for k, v in info.items() if k != "bytes"},
            "onnx_vs_torch_max_abs_diff": diff,
        }
    summary["total_seconds"] = round(time.perf_counter() - total_start, 1)
    print(f"\ntotal (training + export + checks): {summary['total_seconds']} s")
    summary_path = os.path.join(args.out, "training-summary.json")
    if args.only:
        summary = merge_summary(summary_path, summary)
    with open(summary_path, "w") as f:
        json.dump(summary, f, indent=1)
        f.write("\n")
    print(f"wrote {summary_path}" + (f" (updated the entries of {', '.join(args.only)})" if args.only else ""))
    return 0


def merge_summary(path, partial):
    """A run with --only updates an existing summary instead of replacing it: the trained models'
    entries are replaced or added (in MODELS order), every other entry and the top-level fields
    (which describe the full run that produced the other models) stay as they were, and each
    trained model's entry gets a "run" field with this run's settings, versions and time."""
    if not os.path.exists(path):
        return partial
    with open(path) as f:
        summary = json.load(f)
    run = {k: partial[k] for k in ("seed", "torch", "onnx", "threads", "optimizer", "batch_size", "command", "total_seconds")}
    models = dict(summary.get("models", {}))
    for name, entry in partial["models"].items():
        models[name] = dict(entry, run=run)
    order = list(MODELS) + [name for name in models if name not in MODELS]
    summary["models"] = {name: models[name] for name in order if name in models}
    return summary


if __name__ == "__main__":
    sys.exit(main())
