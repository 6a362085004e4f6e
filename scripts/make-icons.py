#!/usr/bin/env python3
"""Draw the PWA's icons as PNGs with the standard library only (zlib + struct).

A parcel (white box with a tape band) with a return arrow, on the theme blue. The maskable
icon keeps everything inside the central 80 % safe zone and fills the whole square.
    python3 scripts/make-icons.py
"""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "frontend" / "icons"
BLUE = (11, 92, 173)
WHITE = (255, 255, 255)
AMBER = (255, 193, 7)


def png(size: int, pixel) -> bytes:  # type: ignore[no-untyped-def]
    rows = bytearray()
    for y in range(size):
        rows.append(0)
        for x in range(size):
            rows.extend(pixel(x / size, y / size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(rows), 9))
        + chunk(b"IEND", b"")
    )


def art(scale: float):  # type: ignore[no-untyped-def]
    """The drawing in unit coordinates, shrunk by `scale` around the centre."""

    def pixel(u: float, v: float) -> tuple[int, int, int]:
        x = (u - 0.5) / scale + 0.5
        y = (v - 0.5) / scale + 0.5
        # parcel
        if 0.2 <= x <= 0.8 and 0.3 <= y <= 0.8:
            if 0.45 <= x <= 0.55:
                return AMBER  # tape
            if 0.3 <= y <= 0.36:
                return (220, 230, 242)  # lid edge
            return WHITE
        # return arrow above the parcel: shaft and head pointing left
        if 0.38 <= x <= 0.72 and 0.16 <= y <= 0.21:
            return WHITE
        if 0.26 <= x <= 0.38 and abs(y - 0.185) <= (x - 0.26) * 0.9:
            return WHITE
        return BLUE

    return pixel


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "icon-192.png").write_bytes(png(192, art(1.0)))
    (OUT / "icon-512.png").write_bytes(png(512, art(1.0)))
    (OUT / "maskable-512.png").write_bytes(png(512, art(0.72)))
    for name in sorted(OUT.glob("*.png")):
        sys.stdout.write(f"{name} {name.stat().st_size}\n")


if __name__ == "__main__":
    main()
