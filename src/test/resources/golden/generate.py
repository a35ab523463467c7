#!/usr/bin/env python3
"""Writes the PyTorch golden cases used by GoldenTest (needs PyTorch; CI does not run this).

    apt-get install python3-torch python3-numpy
    python3 src/test/resources/golden/generate.py

Each case NAME gets NAME.x.npy, NAME.w.npy, [NAME.b.npy,] NAME.y.npy (the output of
torch.nn.functional.conv_transposeNd) and a line in cases.txt:
    NAME dtype stride padding output_padding dilation groups
with per-dimension values joined by ','. Values are seeded, so reruns give the same files.
"""
import os
import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))

# name, N, Cin, Cout, groups, input size, kernel, stride, padding, output_padding, dilation, bias
CASES = [
    ("d1_basic", 2, 3, 4, 1, (7,), (3,), (2,), (1,), (1,), (1,), True),
    ("d1_k1_s3", 1, 2, 2, 1, (5,), (1,), (3,), (0,), (2,), (1,), False),
    ("d1_dil_op_ge_s", 1, 2, 3, 1, (4,), (1,), (1,), (0,), (50,), (100,), True),
    ("d1_long_kernel", 1, 4, 3, 1, (9,), (16,), (8,), (4,), (0,), (1,), True),
    ("d2_k4s2p1", 2, 5, 3, 1, (6, 5), (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), True),
    ("d2_k3s2op1", 1, 3, 4, 1, (5, 7), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), True),
    ("d2_stride_eq_kernel", 1, 6, 4, 1, (4, 3), (2, 2), (2, 2), (0, 0), (0, 0), (1, 1), False),
    ("d2_gaps", 1, 2, 3, 1, (3, 3), (2, 2), (5, 4), (0, 1), (0, 3), (1, 1), True),
    ("d2_dilated", 1, 4, 4, 1, (6, 6), (3, 3), (1, 1), (2, 2), (0, 0), (2, 2), True),
    ("d2_s2_d2", 1, 3, 2, 1, (4, 5), (3, 2), (2, 2), (0, 1), (1, 0), (2, 2), False),
    ("d2_crop_beyond_kernel", 1, 2, 2, 1, (5, 5), (2, 2), (3, 3), (4, 3), (0, 0), (1, 1), True),
    ("d2_kernel_larger_than_input", 2, 3, 2, 1, (2, 2), (7, 5), (2, 3), (1, 0), (1, 2), (1, 1), True),
    ("d2_1x1_input", 1, 4, 3, 1, (1, 1), (3, 3), (4, 4), (0, 0), (0, 0), (1, 1), True),
    ("d2_groups", 2, 6, 4, 2, (4, 4), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), True),
    ("d2_depthwise", 1, 8, 8, 8, (6, 6), (4, 4), (2, 2), (1, 1), (0, 0), (1, 1), True),
    ("d2_depth_multiplier", 1, 4, 8, 4, (5, 5), (3, 3), (2, 2), (1, 1), (1, 1), (1, 1), False),
    ("d2_batch0", 0, 3, 2, 1, (4, 4), (3, 3), (2, 2), (1, 1), (0, 0), (1, 1), True),
    ("d2_wide_channels", 1, 37, 19, 1, (5, 9), (3, 3), (1, 1), (1, 1), (0, 0), (1, 1), True),
    ("d3_basic", 1, 3, 2, 1, (3, 4, 2), (3, 2, 3), (2, 1, 3), (1, 0, 2), (1, 0, 2), (1, 2, 1), True),
    ("d3_groups", 2, 4, 6, 2, (2, 3, 3), (2, 2, 2), (2, 2, 2), (0, 1, 0), (0, 1, 1), (1, 1, 1), False),
]


# PyTorch's forward(x, output_size): name, N, Cin, Cout, groups, input size, kernel, stride, padding, dilation,
# bias, output_size (spatial); the output_padding is derived by PyTorch.
OUTPUT_SIZE_CASES = [
    ("d1_output_size_max", 1, 2, 3, 1, (6,), (3,), (3,), (1,), (1,), True, (18,)),
    ("d2_output_size", 2, 3, 2, 1, (4, 5), (3, 4), (2, 3), (1, 0), (1, 1), True, (8, 16)),
    ("d2_output_size_dilated", 1, 4, 4, 2, (3, 3), (3, 3), (2, 2), (2, 1), (2, 2), False, (5, 8)),
]


def save(path, array):
    np.save(path, np.ascontiguousarray(array))


def main():
    lines = []
    for dtype_name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        for (name, n, cin, cout, groups, size, k, s, p, op, d, bias) in CASES:
            g = torch.Generator().manual_seed(len(lines) + 1)
            x = (torch.rand((n, cin) + size, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)
            w = (torch.rand((cin, cout // groups) + k, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)
            b = (torch.rand((cout,), generator=g, dtype=torch.float64) * 2 - 1).to(dtype) if bias else None
            conv = {1: F.conv_transpose1d, 2: F.conv_transpose2d, 3: F.conv_transpose3d}[len(size)]
            y = conv(x, w, b, stride=s, padding=p, output_padding=op, groups=groups, dilation=d)
            case = f"{name}_{dtype_name}"
            save(os.path.join(HERE, case + ".x.npy"), x.numpy())
            save(os.path.join(HERE, case + ".w.npy"), w.numpy())
            if bias:
                save(os.path.join(HERE, case + ".b.npy"), b.numpy())
            save(os.path.join(HERE, case + ".y.npy"), y.numpy())
            join = lambda v: ",".join(str(e) for e in v)
            lines.append(f"{case} {dtype_name} {join(s)} {join(p)} {join(op)} {join(d)} {groups}")
    for dtype_name, dtype in (("f32", torch.float32), ("f64", torch.float64)):
        for (name, n, cin, cout, groups, size, k, s, p, d, bias, out) in OUTPUT_SIZE_CASES:
            g = torch.Generator().manual_seed(1000 + len(lines))
            module = {1: torch.nn.ConvTranspose1d, 2: torch.nn.ConvTranspose2d, 3: torch.nn.ConvTranspose3d}[len(size)](
                cin, cout, k, stride=s, padding=p, dilation=d, groups=groups, bias=bias).to(dtype)
            x = (torch.rand((n, cin) + size, generator=g, dtype=torch.float64) * 2 - 1).to(dtype)
            with torch.no_grad():
                module.weight.copy_(torch.rand(module.weight.shape, generator=g, dtype=torch.float64) * 2 - 1)
                if bias:
                    module.bias.copy_(torch.rand((cout,), generator=g, dtype=torch.float64) * 2 - 1)
                y = module(x, output_size=list(out))
            case = f"{name}_{dtype_name}"
            save(os.path.join(HERE, case + ".x.npy"), x.numpy())
            save(os.path.join(HERE, case + ".w.npy"), module.weight.detach().numpy())
            if bias:
                save(os.path.join(HERE, case + ".b.npy"), module.bias.detach().numpy())
            save(os.path.join(HERE, case + ".y.npy"), y.numpy())
            join = lambda v: ",".join(str(e) for e in v)
            lines.append(f"{case} {dtype_name} {join(s)} {join(p)} - {join(d)} {groups} output_size={join(out)}")
    with open(os.path.join(HERE, "cases.txt"), "w") as f:
        f.write("# written by generate.py with torch " + torch.__version__ + "\n")
        f.write("# name dtype stride padding output_padding dilation groups [output_size=...]\n")
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
