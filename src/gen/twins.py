#!/usr/bin/env python3
"""Writes the double twins of the float kernels: Java has no generics over primitives or over
FloatVector/DoubleVector, and boxing would defeat them, so each float file below has a double twin that
differs only in its types. Edit the float file, then run

    python3 src/gen/twins.py          (or: python3 src/gen/twins.py --check, which only compares)

The microkernels have their own generator (microkernels.py).
"""
import pathlib
import re
import sys

SRC = pathlib.Path(__file__).resolve().parents[1] / "main/java/io/tconv"
PAIRS = [
    ("internal/vector/GemmKernelF32.java", "internal/vector/GemmKernelF64.java"),
    ("internal/vector/MultipliersF32.java", "internal/vector/MultipliersF64.java"),
    ("internal/vector/PixelGemmF32.java", "internal/vector/PixelGemmF64.java"),
    ("internal/vector/SubPixelF32.java", "internal/vector/SubPixelF64.java"),
    ("internal/vector/RowKernelF32.java", "internal/vector/RowKernelF64.java"),
    ("internal/vector/DepthwiseLastF32.java", "internal/vector/DepthwiseLastF64.java"),
    ("internal/vector/DepthwiseLastRunsF32.java", "internal/vector/DepthwiseLastRunsF64.java"),
    ("internal/vector/RunSumsF32.java", "internal/vector/RunSumsF64.java"),
    ("internal/vector/DepthwiseLastGradientRunsF32.java", "internal/vector/DepthwiseLastGradientRunsF64.java"),
    ("internal/vector/GyRunsF32.java", "internal/vector/GyRunsF64.java"),
    ("internal/vector/DepthwiseLastWeightRunsF32.java", "internal/vector/DepthwiseLastWeightRunsF64.java"),
    ("internal/vector/DepthwiseLastGradientF32.java", "internal/vector/DepthwiseLastGradientF64.java"),
    ("internal/vector/DepthwiseLastWeightF32.java", "internal/vector/DepthwiseLastWeightF64.java"),
    ("internal/vector/ChannelsLastRowsF32.java", "internal/vector/ChannelsLastRowsF64.java"),
    ("internal/vector/VectorOpsF32.java", "internal/vector/VectorOpsF64.java"),
    ("internal/vector/ZipF32.java", "internal/vector/ZipF64.java"),
    ("internal/vector/BandCopyF32.java", "internal/vector/BandCopyF64.java"),
    ("internal/vector/TransposeF32.java", "internal/vector/TransposeF64.java"),
    ("internal/vector/GyRowsF32.java", "internal/vector/GyRowsF64.java"),
    ("internal/vector/InputGradientRowsF32.java", "internal/vector/InputGradientRowsF64.java"),
    ("internal/vector/InputGradientPairsF32.java", "internal/vector/InputGradientPairsF64.java"),
    ("internal/vector/InputGradientDotsF32.java", "internal/vector/InputGradientDotsF64.java"),
    ("internal/vector/InputGradientBroadcastF32.java", "internal/vector/InputGradientBroadcastF64.java"),
    ("internal/vector/WeightGradientDotsF32.java", "internal/vector/WeightGradientDotsF64.java"),
    ("internal/vector/WeightGradientBroadcastF32.java", "internal/vector/WeightGradientBroadcastF64.java"),
    ("internal/WeightGradientF32.java", "internal/WeightGradientF64.java"),
    ("internal/FloatWeightRows.java", "internal/DoubleWeightRows.java"),
    ("internal/vector/WeightGradientRowsF32.java", "internal/vector/WeightGradientRowsF64.java"),
    ("internal/vector/WeightGradientPairsF32.java", "internal/vector/WeightGradientPairsF64.java"),
    ("InputGradientF32.java", "InputGradientF64.java"),
    ("PixelInputGradientF32.java", "PixelInputGradientF64.java"),
    ("FloatGradients.java", "DoubleGradients.java"),
]


def twin(text):
    for a, b in [("F32", "F64"), ("FloatVector", "DoubleVector"), ("FloatKernel", "DoubleKernel"), ("FloatOps", "DoubleOps"),
                 ("FloatPlan", "DoublePlan"), ("FloatGradients", "DoubleGradients"), ("<Float>", "<Double>"),
                 ("FLOATS", "DOUBLES"), ("Float.BYTES", "Double.BYTES"),
                 ("floatOps()", "doubleOps()"), ("floatInputGradient", "doubleInputGradient"),
                 ("FloatWeightRows", "DoubleWeightRows"), ("floatWeightRows", "doubleWeightRows")]:
        text = text.replace(a, b)
    text = re.sub(r"\bfloat\b", "double", text)
    text = re.sub(r"\bFloat (input|gradients|GEMM|few-channel)", r"Double \1", text)
    text = re.sub(r"\b(\d+)f\b", r"\1.0", text)
    return text


check = "--check" in sys.argv
stale = []
for f32, f64 in PAIRS:
    want = twin((SRC / f32).read_text())
    if check:
        if (SRC / f64).read_text() != want:
            stale.append(f64)
    else:
        (SRC / f64).write_text(want)
if stale:
    print("stale twins:", ", ".join(stale))
    sys.exit(1)
