"""GS1 DataMatrix labels drawn with zxing-cpp: a PNG of the symbol and an SVG of the symbol
with its human-readable text beneath.

zxing-cpp encodes the human-readable form ``(01)...(17)...(10)...`` as a GS1 DataMatrix when
asked (``gs1=True``): FNC1 first (a scanner reports ``]d2``), a separator after a
variable-length field that is not last. The PNG is written here (8-bit greyscale, zlib), so
no imaging library is needed.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from html import escape

import numpy as np
import zxingcpp

from rxsupply.domain.repackaging import Label

SCALE = 8
"""Pixels per module in the PNG (a 0.25 mm module prints at about 200 dpi)."""


@dataclass(frozen=True, slots=True)
class LabelImages:
    png: bytes
    svg: str


def _symbol(label: Label) -> zxingcpp.Barcode:
    return zxingcpp.create_barcode(
        label.human_readable, zxingcpp.BarcodeFormat.DataMatrix, gs1=True
    )


def png_bytes(pixels: np.ndarray) -> bytes:
    """An 8-bit greyscale PNG of a 2-D uint8 array (PNG spec: IHDR, IDAT, IEND)."""
    height, width = pixels.shape

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(row) for row in np.ascontiguousarray(pixels, np.uint8))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def label_images(label: Label, *, title: str = "") -> LabelImages:
    """The label's DataMatrix as PNG, and as SVG with ``title`` and the human-readable text."""
    symbol = _symbol(label)
    png = png_bytes(np.asarray(symbol.to_image(scale=SCALE)))
    inner = symbol.to_svg(scale=4)
    body = inner[inner.index("<svg") :]
    size = int(body.split('width="', 1)[1].split('"', 1)[0])
    lines = [
        line
        for line in (
            title,
            f"LOT {label.lot}  EXP {label.expiry.isoformat()}",
            label.human_readable,
        )
        if line
    ]
    width = max(size, 7 * max(len(line) for line in lines)) + 8
    height = size + 16 * len(lines) + 8
    texts = "".join(
        f'<text x="4" y="{size + 16 * (n + 1)}" font-family="monospace" font-size="12">'
        f"{escape(line)}</text>"
        for n, line in enumerate(lines)
    )
    svg = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}"><rect width="100%" height="100%" fill="#fff"/>'
        f"{body}{texts}</svg>\n"
    )
    return LabelImages(png=png, svg=svg)
