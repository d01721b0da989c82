#!/usr/bin/python3
"""Write the residual-network fixtures of the Seco.Nn import tests: small torch models with ResNet basic
blocks, exported to ONNX exactly as scripts/train_models.py exports ResNet-32, and torch's own outputs on
fixed inputs, so the C# importer is checked against torch without torch on the test machine.

    /usr/bin/python3 scripts/residual_fixtures.py [--out tests/data/residual]

Models (input 3x8x8, a 3x3 stem conv + BN + ReLU, blocks, global average pooling, a linear layer to 10):
  identity.onnx  one block with the identity shortcut (4 -> 4 channels);
  option-a.onnx  one block with shortcut option A (stride 2, 4 -> 8 channels: subsample + zero-pad);
  option-b.onnx  one block with shortcut option B (stride 2, 4 -> 8 channels: 1x1 conv + BN);
  three-blocks.onnx  identity, option A and option B blocks in a row (the secure-run fixture).
For each, <name>.json holds the inputs (values in [0, 1]) and torch's logits (float64 printouts of float32).
BatchNorm statistics are randomised so that folding them is exercised. Needs python3-torch, python3-onnx.
"""
import argparse
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


class Block(nn.Module):
    def __init__(self, inputs, outputs, stride, option):
        super().__init__()
        self.conv1 = nn.Conv2d(inputs, outputs, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(outputs)
        self.conv2 = nn.Conv2d(outputs, outputs, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(outputs)
        self.option = option
        if option == "B":
            self.short = nn.Conv2d(inputs, outputs, 1, stride, 0, bias=False)
            self.short_bn = nn.BatchNorm2d(outputs)
        self.pad = (outputs - inputs) // 2

    def forward(self, x):
        y = F.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        if self.option == "identity":
            s = x
        elif self.option == "A":
            s = F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad, self.pad), "constant", 0.0)
        else:
            s = self.short_bn(self.short(x))
        return F.relu(y + s)


class Tiny(nn.Module):
    def __init__(self, blocks):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(4)
        layers, width = [], 4
        for option in blocks:
            out, stride = (width, 1) if option == "identity" else (width * 2, 2)
            layers.append(Block(width, out, stride, option))
            width = out
        self.blocks = nn.Sequential(*layers)
        self.fc = nn.Linear(width, 10)

    def forward(self, x):
        x = F.relu(self.bn(self.stem(x)))
        x = self.blocks(x)
        x = F.adaptive_avg_pool2d(x, 1)  # exports as GlobalAveragePool
        return self.fc(torch.flatten(x, 1))


MODELS = {"identity": ["identity"], "option-a": ["A"], "option-b": ["B"], "three-blocks": ["identity", "A", "B"]}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default="tests/data/residual")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(20261207)
    for name, blocks in MODELS.items():
        model = Tiny(blocks)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.running_mean.uniform_(-0.2, 0.2)
                    m.running_var.uniform_(0.5, 1.5)
                    m.weight.uniform_(0.6, 1.4)
                    m.bias.uniform_(-0.2, 0.2)
        model.eval()
        path = os.path.join(args.out, f"{name}.onnx")
        torch.onnx.export(model, torch.zeros(1, 3, 8, 8), path, export_params=True, opset_version=13,
                          do_constant_folding=True, input_names=["input"], output_names=["logits"])
        inputs = torch.rand(4, 3, 8, 8)
        with torch.no_grad():
            logits = model(inputs)
        with open(os.path.join(args.out, f"{name}.json"), "w") as f:
            json.dump({"model": f"{name}.onnx", "blocks": blocks, "torch": torch.__version__,
                       "inputs": [x.flatten().double().tolist() for x in inputs],
                       "logits": [y.double().tolist() for y in logits]}, f)
            f.write("\n")
        print(f"wrote {path} ({os.path.getsize(path)} bytes) and {name}.json")


if __name__ == "__main__":
    main()
