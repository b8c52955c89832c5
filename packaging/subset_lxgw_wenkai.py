"""Make the shipped 楷体: LXGW WenKai (霞鹜文楷, OFL-1.1) subset to GB 2312 and the rarer characters of names.

LXGW WenKai already has TrueType outlines and allows embedding (OS/2 fsType 0), so
this script (run by a packager, not by the app; fontTools is the `packaging` extra)
only:

1. reads LXGWWenKai-Regular.ttf (Debian's fonts-lxgw-wenkai,
   /usr/share/fonts/truetype/lxgw-wenkai/);
2. subsets it to GB 2312, the rarer characters of names (`name_chars.py`), ASCII and
   the punctuation of documents, dropping hinting and OpenType layout (15.7 MB → ~3.5 MB);
3. renames every name record to "Closeloop Kai SC": the OFL reserves the names
   "LXGW" and "霞鹜" for the unmodified font, and a subset is a Modified Version (a new
   PostScript name also keeps reportlab from confusing it with an installed WenKai);
4. writes resources/fonts/closeloop-kai-sc.ttf.

Usage: .venv/bin/python packaging/subset_lxgw_wenkai.py [--source FILE] [--out DIR]
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from convert_noto_serif import gbk_characters, subset
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[1]
FAMILY = "Closeloop Kai SC"
PS_NAME = "CloseloopKaiSC-Regular"
TARGET = "closeloop-kai-sc.ttf"


def rename(font: TTFont) -> None:
    """New family and PostScript names; the copyright, licence and designer records are kept."""
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}
    name.names = [n for n in name.names if n.nameID in keep]
    values = {1: FAMILY, 2: "Regular", 3: f"{PS_NAME};closeloop", 4: FAMILY,
              5: "Version 1.0 (from LXGW WenKai 1.250)", 6: PS_NAME}
    for nid, value in values.items():
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", type=Path,
                   default=Path("/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf"))
    p.add_argument("--out", type=Path, default=ROOT / "resources" / "fonts")
    a = p.parse_args(argv)
    font = TTFont(str(a.source))
    assert "glyf" in font and font["OS/2"].fsType == 0, "expected TrueType outlines, installable embedding"
    subset(font, gbk_characters("gb2312+names"))
    rename(font)
    font.recalcTimestamp = False      # reproducible: keep the source's dates
    target = a.out / TARGET
    font.save(str(target))
    print(f"{target.name}: {len(TTFont(str(target)).getGlyphOrder())} glyphs, {target.stat().st_size / 1e6:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
