"""PyTorch eager side of `tools/bench/run vs-pytorch` (run by VsPytorchBench, not by hand).

Reads the examples, labels and initial parameters the Java side wrote, trains the same model with
the same batches' size, optimizer and thread count for a few epochs, and prints one JSON line:
epoch seconds, first-epoch loss and the GEMM probe. Run with Debian's /usr/bin/python3
(python3-torch) and libopenblas0-openmp first on the library path.
"""
import json
import sys
import time

import numpy as np
import torch
from torch import nn


def gemm_gflops():
    a = torch.randn(512, 512)
    b = torch.randn(512, 512)
    for _ in range(3):
        a @ b
    n = 20
    start = time.perf_counter()
    for _ in range(n):
        a @ b
    return 2 * 512 ** 3 * n / (time.perf_counter() - start) / 1e9


def blas_library():
    with open("/proc/self/maps") as maps:
        paths = {line.split()[-1] for line in maps if "blas" in line.lower()}
    return sorted(paths)


def build(model):
    if model == "mlp":
        return nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
    if model == "lenet":
        return nn.Sequential(
            nn.Conv2d(1, 6, 5, padding=2), nn.Sigmoid(), nn.AvgPool2d(2, 2),
            nn.Conv2d(6, 16, 5), nn.Sigmoid(), nn.AvgPool2d(2, 2), nn.Flatten(),
            nn.Linear(400, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))
    if model == "cnn-bn":
        layers = []
        channels = 1
        for _ in range(3):
            # DJL's BatchNorm: running = 0.9 running + 0.1 batch, eps 1e-5 (PyTorch's momentum 0.1)
            layers += [nn.Conv2d(channels, 32, 3, padding=1), nn.BatchNorm2d(32, eps=1e-5, momentum=0.1),
                       nn.ReLU(), nn.MaxPool2d(2, 2)]
            channels = 32
        layers += [nn.Flatten(), nn.Linear(288, 64), nn.ReLU(), nn.Linear(64, 10)]
        return nn.Sequential(*layers)
    raise SystemExit("unknown model " + model)


def main():
    args = json.loads(sys.argv[1])
    torch.set_num_threads(args["threads"])
    torch.set_num_interop_threads(1)
    gflops = gemm_gflops()
    n = args["examples"]
    x = torch.from_numpy(np.fromfile(args["dir"] + "/x.f32", dtype="<f4").reshape(n, 1, 28, 28))
    y = torch.from_numpy(np.fromfile(args["dir"] + "/y.f32", dtype="<f4")).long()
    model = build(args["model"])
    init = np.fromfile(args["dir"] + "/" + args["model"] + ".params.f32", dtype="<f4")
    offset = 0
    with torch.no_grad():
        for name, tensor in model.state_dict().items():
            if name.endswith("num_batches_tracked"):
                continue
            size = tensor.numel()
            tensor.copy_(torch.from_numpy(init[offset:offset + size].copy()).reshape(tensor.shape))
            offset += size
    if offset != init.size:
        raise SystemExit("parameter count differs: %d vs %d" % (offset, init.size))
    if args["optimizer"] == "adam":
        opt = torch.optim.Adam(model.parameters(), lr=args["lr"])
    else:
        opt = torch.optim.SGD(model.parameters(), lr=args["lr"])
    loss_fn = nn.CrossEntropyLoss()
    batch = args["batch"]
    generator = torch.Generator().manual_seed(1)
    times = []
    losses = []
    model.train()
    for _ in range(args["epochs"]):
        start = time.perf_counter()
        order = torch.randperm(n, generator=generator)
        xs = x[order]
        ys = y[order]
        total = torch.zeros(())
        for i in range(0, n, batch):
            out = model(xs[i:i + batch])
            loss = loss_fn(out, ys[i:i + batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.detach() * min(batch, n - i)
        losses.append(float(total) / n)
        times.append(time.perf_counter() - start)
    print(json.dumps({"times": times, "losses": losses, "gflops": gflops, "blas": blas_library(),
                      "torch": torch.__version__}))


if __name__ == "__main__":
    main()
