#!/usr/bin/python3
"""Writes ONNX's own ConvTranspose conformance cases (onnx.backend.test.case.node.convtranspose, ONNX 1.12)
as .npy files and one line per case in cases.txt: name, then the node's attributes as key=v1,v2,...

    apt-get install python3-onnx && /usr/bin/python3 src/test/resources/onnx/generate.py

The tests (OnnxConformanceTest) need only the files, not ONNX.
"""
import pathlib
import numpy as np
import onnx
from onnx.backend.test.case.node import convtranspose

OUT = pathlib.Path(__file__).resolve().parent
lines = []


def capture(node, inputs, outputs, name):
    attrs = []
    for a in node.attribute:
        v = onnx.helper.get_attribute_value(a)
        if isinstance(v, bytes):
            v = v.decode()
        attrs.append("%s=%s" % (a.name, ",".join(map(str, v)) if isinstance(v, (list, tuple)) else v))
    np.save(OUT / (name + ".x.npy"), inputs[0].astype("<f4"))
    np.save(OUT / (name + ".w.npy"), inputs[1].astype("<f4"))
    np.save(OUT / (name + ".y.npy"), outputs[0].astype("<f4"))
    lines.append(" ".join([name] + attrs))


convtranspose.expect = capture
for fn in sorted(n for n in dir(convtranspose.ConvTranspose) if n.startswith("export")):
    getattr(convtranspose.ConvTranspose, fn)()
(OUT / "cases.txt").write_text("# ONNX 1.12 ConvTranspose conformance cases: name attribute=values ...\n" + "\n".join(lines) + "\n")
print(len(lines), "cases")
