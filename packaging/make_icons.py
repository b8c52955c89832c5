#!/usr/bin/env python3
"""The app icon in the sizes installers want, drawn from resources/icons/closeloop.svg.

    python packaging/make_icons.py --ico resources/closeloop.ico       (the Windows .exe and setup icon)
    python packaging/make_icons.py --png-dir DIR                       (DIR/<n>x<n>/apps/closeloop.png)

The .ico holds PNG-compressed images of 16–256 px (Windows Vista and later read them);
the PNG folder is laid out as the hicolor icon theme wants it, so the .deb recipe copies
it under /usr/share/icons/hicolor/. Needs PySide6 (the app's own), runs offscreen.
"""
from __future__ import annotations

import argparse
import os
import struct
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SVG = ROOT / "resources" / "icons" / "closeloop.svg"
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256)


def render_png(size: int, svg: Path = SVG) -> bytes:
    """The SVG drawn on a transparent size×size square, as PNG bytes."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(images: dict[int, bytes]) -> bytes:
    """An .ico file of PNG images keyed by their size (ICONDIR, one ICONDIRENTRY each, the PNGs)."""
    sizes = sorted(images)
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = len(header) + 16 * len(sizes)
    entries, blobs = b"", b""
    for size in sizes:
        png = images[size]
        side = 0 if size >= 256 else size  # 0 means 256 in an ICONDIRENTRY
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        blobs += png
        offset += len(png)
    return header + entries + blobs


def write_ico(out: Path) -> Path:
    out.write_bytes(ico_bytes({size: render_png(size) for size in ICO_SIZES}))
    return out


def write_pngs(folder: Path) -> list[Path]:
    """hicolor layout: folder/<n>x<n>/apps/closeloop.png for each size."""
    written = []
    for size in PNG_SIZES:
        target = folder / f"{size}x{size}" / "apps" / "closeloop.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(render_png(size))
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ico", type=Path)
    parser.add_argument("--png-dir", type=Path)
    args = parser.parse_args(argv)
    if args.ico:
        print(write_ico(args.ico))
    if args.png_dir:
        for path in write_pngs(args.png_dir):
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
