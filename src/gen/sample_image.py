#!/usr/bin/env python3
"""Writes the sample image of `tconv upsample --sample` (src/main/resources/io/tconv/cli/sample.png).

48 x 48 RGB, drawn from code so it has no licence of its own: a colour gradient, a disc with a soft edge, a
hard-edged square, a one-pixel diagonal line and a fine checkerboard corner, so that each upsampling kernel's
treatment of smooth areas, edges and single pixels is visible.

    python3 src/gen/sample_image.py
"""
import math
import pathlib
import struct
import zlib

W = H = 48


def pixel(x, y):
    r, g, b = 40 + 4 * x, 60 + 3 * y, 200 - 2 * x - y          # gradient
    d = math.hypot(x - 30, y - 18)
    if d < 11:                                                  # disc, anti-aliased edge
        t = min(1.0, 11 - d)
        r, g, b = (round(r + (250 - r) * t), round(g + (200 - g) * t), round(b + (40 - b) * t))
    if 6 <= x < 20 and 26 <= y < 40:                            # hard-edged square
        r, g, b = 30, 160, 90
    if x == y and x < 24:                                       # one-pixel line
        r, g, b = 255, 255, 255
    if x >= 38 and y >= 38:                                     # checkerboard corner
        r = g = b = 255 if (x + y) % 2 == 0 else 0
    return bytes((max(0, min(255, r)), max(0, min(255, g)), max(0, min(255, b))))


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


raw = b"".join(b"\0" + b"".join(pixel(x, y) for x in range(W)) for y in range(H))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
out = pathlib.Path(__file__).resolve().parents[1] / "main/resources/io/tconv/cli/sample.png"
out.write_bytes(png)
print(out, len(png), "bytes")
