"""LeNet's two convolutions in PyTorch 1.13 eager, for `tools/bench/run onednn-isa gemmconv`.

Times forward + backward (weight and bias gradients; the input gradient past the first layer) of
conv 1->6 5x5 pad 2 on 28x28 and conv 6->16 5x5 on 14x14 at batch 256, one thread, through
F.conv2d (PyTorch's own oneDNN, at this CPU's native ISA unless ONEDNN_MAX_CPU_ISA is set) and
through F.unfold + matmul (im2col + BLAS GEMM, the same formulation as the Java side's GEMM
convolution). Median milliseconds of 30 after 3 warm-ups. Run by hand:
  LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp /usr/bin/python3 \
      tools/bench/python/conv_step.py
"""
import os
import statistics
import time

import torch
import torch.nn.functional as F


def bench(name, n, ic, oc, h, k, pad, input_grad, unfold, reps=30):
    x = torch.randn(n, ic, h, h, requires_grad=input_grad)
    w = torch.randn(oc, ic, k, k, requires_grad=True)
    b = torch.randn(oc, requires_grad=True)
    o = h + 2 * pad - k + 1
    g = torch.randn(n, oc, o, o)

    def step():
        if unfold:
            cols = F.unfold(x, k, padding=pad)  # (N, C*k*k, Ho*Wo)
            y = (w.reshape(oc, -1) @ cols + b[:, None]).reshape(n, oc, o, o)
        else:
            y = F.conv2d(x, w, b, padding=pad)
        (y * g).sum().backward()

    for _ in range(3):
        step()
    times = []
    for _ in range(reps):
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1e3)
    how = "unfold + matmul" if unfold else "conv2d"
    print(f"  {name} {how}: {statistics.median(times):.3f} ms forward+backward")


torch.set_num_threads(1)
print("torch", torch.__version__, "ONEDNN_MAX_CPU_ISA", os.environ.get("ONEDNN_MAX_CPU_ISA"))
for unfold in (False, True):
    bench("conv mb256 ic1 oc6 28x28 k5 p2", 256, 1, 6, 28, 5, 2, False, unfold)
    bench("conv mb256 ic6 oc16 14x14 k5 p0", 256, 6, 16, 14, 5, 0, True, unfold)
