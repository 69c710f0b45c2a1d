#!/usr/bin/python3
"""Writes PyTorch-exported ONNX fixtures for Cairn's import tests.

Usage: /usr/bin/python3 onnx-models/make_torch_fixtures.py OUT_DIR

For each model it writes NAME.onnx (torch.onnx.export, opset 13, dynamic batch dimension),
NAME.input.json and NAME.output.json ({"shape": [...], "data": [flat values]}): a seeded input
batch and what PyTorch itself computes for it, for the test to compare with ONNX Runtime through
Cairn. Needs Debian's python3-torch (CPU); run it with /usr/bin/python3.
"""
import json
import os
import sys

import torch
from torch import nn


class Cnn(nn.Module):
    """The course's BN CNN pattern, scaled down: conv, BN, ReLU, max-pool; conv, avg-pool; head."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, stride=2), nn.Tanh(), nn.AvgPool2d(2, ceil_mode=True),
            nn.Flatten())
        self.head = nn.Sequential(nn.Linear(16 * 2 * 2, 32), nn.GELU(), nn.Dropout(0.5), nn.Linear(32, 10))

    def forward(self, x):
        return self.head(self.features(x))


class LeNet(nn.Module):
    """LeNet-5 as in d2l: sigmoid activations, average pooling."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(), nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(),
            nn.Linear(84, 10))

    def forward(self, x):
        return self.net(x)


class Recurrent(nn.Module):
    """A sequence classifier: an LSTM or GRU over the time steps, a linear head on the last one."""

    def __init__(self, cell):
        super().__init__()
        self.rnn = cell(input_size=4, hidden_size=12, num_layers=2, batch_first=True)
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out[:, -1, :])


def models():
    torch.manual_seed(0)
    mlp = nn.Sequential(nn.Flatten(), nn.Linear(784, 64), nn.BatchNorm1d(64), nn.ReLU(), nn.Dropout(0.2),
                        nn.Linear(64, 32), nn.LeakyReLU(0.1), nn.Linear(32, 10))
    return [
        ("mlp", mlp, (5, 1, 28, 28)),
        ("cnn", Cnn(), (5, 1, 16, 16)),
        ("lenet", LeNet(), (3, 1, 28, 28)),
        ("lstm", Recurrent(nn.LSTM), (4, 7, 4)),
        ("gru", Recurrent(nn.GRU), (4, 7, 4)),
    ]


def randomize_batch_norm(model):
    """Gives batch-norm layers non-trivial running statistics, so that eval mode matters."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 1.5)


def save(path, tensor):
    with open(path, "w") as f:
        json.dump({"shape": list(tensor.shape), "data": tensor.reshape(-1).tolist()}, f)


def main(out):
    os.makedirs(out, exist_ok=True)
    for name, model, shape in models():
        randomize_batch_norm(model)
        model.eval()
        x = torch.randn(*shape, generator=torch.Generator().manual_seed(1))
        with torch.no_grad():
            y = model(x)
        torch.onnx.export(model, x, os.path.join(out, name + ".onnx"), opset_version=13,
                          input_names=["input"], output_names=["output"],
                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}})
        save(os.path.join(out, name + ".input.json"), x)
        save(os.path.join(out, name + ".output.json"), y)
        print(name, tuple(x.shape), "->", tuple(y.shape))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
