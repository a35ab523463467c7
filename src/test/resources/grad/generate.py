#!/usr/bin/env python3
"""Writes PyTorch autograd golden cases for the gradients (needs PyTorch; the tests do not).

    apt-get install python3-torch python3-numpy && /usr/bin/python3 src/test/resources/grad/generate.py

For each case NAME (float32 and float64): NAME.x/.w/[.b]/.gy.npy and PyTorch's NAME.gx/.gw/[.gb].npy, the
gradients of sum(conv_transpose(x, w, b) * gy); a line in cases.txt:
    NAME dtype stride padding output_padding dilation groups
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

# name, N, Cin, Cout, groups, input size, kernel, stride, padding, output_padding, dilation, bias
CASES = [
    ("g1_basic", 2, 3, 4, 1, (7,), (3,), (2,), (1,), (1,), (1,), True),
    ("g1_op_ge_s", 1, 2, 3, 1, (5,), (2,), (1,), (0,), (2,), (3,), True),
    ("g2_k4s2p1", 2, 5, 3, 1, (6, 5), (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), True),
    ("g2_gaps", 1, 2, 3, 1, (3, 4), (2, 2), (4, 3), (0, 1), (0, 2), (1, 1), True),
    ("g2_groups_dilated", 2, 4, 6, 2, (4, 5), (3, 2), (2, 3), (2, 0), (1, 1), (2, 2), False),
    ("g2_depthwise", 1, 6, 6, 6, (8, 7), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), True),
    ("g2_wide", 1, 24, 20, 1, (5, 33), (3, 3), (1, 2), (1, 1), (0, 1), (1, 1), True),
    ("g3_basic", 1, 3, 2, 1, (3, 4, 2), (3, 2, 3), (2, 1, 3), (1, 0, 2), (1, 0, 2), (1, 2, 1), True),
]


def main():
    lines = []
    for dtype_name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        for (name, n, cin, cout, groups, size, k, s, p, op, d, bias) in CASES:
            g = torch.Generator().manual_seed(len(lines) + 7)
            rand = lambda shape: (torch.rand(shape, generator=g, dtype=torch.float64) * 2 - 1).to(dtype).requires_grad_(True)
            x, w = rand((n, cin) + size), rand((cin, cout // groups) + k)
            b = rand((cout,)) if bias else None
            conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[len(size)]
            y = conv(x, w, b, stride=s, padding=p, output_padding=op, groups=groups, dilation=d)
            gy = (torch.rand(y.shape, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)
            (y * gy).sum().backward()
            case = f"{name}_{dtype_name}"
            arrays = {"x": x, "w": w, "gy": gy, "gx": x.grad, "gw": w.grad}
            if bias:
                arrays.update({"b": b, "gb": b.grad})
            for key, t in arrays.items():
                np.save(os.path.join(HERE, f"{case}.{key}.npy"), np.ascontiguousarray(t.detach().numpy()))
            join = lambda v: ",".join(str(e) for e in v)
            lines.append(f"{case} {dtype_name} {join(s)} {join(p)} {join(op)} {join(d)} {groups}")
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# written by generate.py with torch " + torch.__version__ + "\n")
        f.write("# name dtype stride padding output_padding dilation groups\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
