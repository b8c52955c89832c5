"""Make the shipped serif fonts: Noto Serif CJK SC (OFL-1.1) subset to GBK, converted to TrueType.

reportlab embeds only TrueType-outline fonts, and Noto CJK ships PostScript (CFF)
outlines, so this script (run by a packager, not by the app; fontTools is the
`packaging` extra in pyproject.toml):

1. reads the Simplified Chinese face of NotoSerifCJK-Regular.ttc and -Bold.ttc
   (Debian's fonts-noto-cjk, /usr/share/fonts/opentype/noto/);
2. subsets the regular face to the characters of GBK (GB 2312 plus 镕, 堃, 喆 and the
   other rarer characters of names), the bold face to GB 2312 plus the rarer characters
   of names (`packaging/name_chars.py`), both with ASCII and the punctuation of
   documents, dropping hinting and OpenType layout;
3. converts each glyph's cubic outlines to quadratic (fontTools cu2qu) into a `glyf`
   table and removes `CFF `;
4. renames the family to "Closeloop Serif SC" (the OFL reserves "Source"; every
   name record, including the PostScript name, is new so it never collides with
   an installed Noto font in reportlab);
5. writes resources/fonts/closeloop-serif-sc.ttf and closeloop-serif-sc-bold.ttf.

Usage: .venv/bin/python packaging/convert_noto_serif.py [--source DIR] [--out DIR] [--chars TEXT] [--only STYLE]
(`--chars` limits the subset, for a quick trial; `--only Bold` makes one face).
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection, TTFont, newTable

ROOT = Path(__file__).resolve().parents[1]
FAMILY = "Closeloop Serif SC"
PS_FAMILY = "CloseloopSerifSC"
# the regular face covers GBK (it is also the fallback for rare characters of names);
# the bold face (小标宋 titles) covers GB 2312 and the rarer characters of names to stay
# small: a title's other rare characters print in the regular face through the fallback
FACES = (("NotoSerifCJK-Regular.ttc", "Regular", "closeloop-serif-sc.ttf", "gbk"),
         ("NotoSerifCJK-Bold.ttc", "Bold", "closeloop-serif-sc-bold.ttf", "gb2312+names"))
MAX_ERR = 2.0           # font units (of 1000 per em): the largest deviation cu2qu may make
EXTRA = "　、。·ˉˇ¨〃々—～‖…‘’“”〔〕〈〉《》「」『』〖〗【】±×÷∶∧∨∑∏∪∩∈∷√⊥∥∠⌒⊙∫∮≡≌≈∽∝≠≮≯≤≥∞∵∴♂♀°′″℃＄¤￠￡‰§№☆★○●◎◇◆□■△▲※→←↑↓〓％，：；！？（）"


def gbk_characters(encoding: str = "gbk") -> str:
    """Every character `encoding` encodes, plus printable ASCII and the punctuation of documents;
    "gb2312+names" is GB 2312 plus the rarer characters of names (name_chars.name_supplement)."""
    if encoding == "gb2312+names":
        from name_chars import name_supplement

        return "".join(dict.fromkeys(gbk_characters("gb2312") + name_supplement()))
    chars = [chr(c) for c in range(0x20, 0x7F)]
    for cp in range(0xA0, 0x10000):
        ch = chr(cp)
        if 0xD800 <= cp <= 0xDFFF:
            continue
        try:
            ch.encode(encoding)
        except UnicodeEncodeError:
            continue
        chars.append(ch)
    return "".join(dict.fromkeys(chars + list(EXTRA)))


def sc_face(path: Path) -> TTFont:
    """The 'Noto Serif CJK SC' face of a Noto CJK collection."""
    for font in TTCollection(str(path)).fonts:
        if font["name"].getDebugName(1) == "Noto Serif CJK SC":
            return font
    raise SystemExit(f"{path}: no 'Noto Serif CJK SC' face")


def subset(font: TTFont, chars: str) -> None:
    opts = Options()
    opts.layout_features = []
    opts.hinting = False
    opts.desubroutinize = True
    opts.notdef_outline = True
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.drop_tables += ["GSUB", "GPOS", "GDEF", "BASE", "VORG", "vhea", "vmtx", "DSIG", "meta"]
    sub = Subsetter(opts)
    sub.populate(text=chars)
    sub.subset(font)


def to_truetype(font: TTFont) -> None:
    """Replace the CFF outlines with quadratic TrueType outlines (glyf/loca)."""
    order = font.getGlyphOrder()
    glyphs = font.getGlyphSet()
    glyf = newTable("glyf")
    glyf.glyphOrder = order
    glyf.glyphs = {}
    for name in order:
        pen = TTGlyphPen(None)
        glyphs[name].draw(Cu2QuPen(pen, MAX_ERR, reverse_direction=True))
        glyf.glyphs[name] = pen.glyph()
    font["loca"] = newTable("loca")
    font["glyf"] = glyf
    del font["CFF "]
    font.sfntVersion = "\x00\x01\x00\x00"
    maxp = font["maxp"]
    maxp.tableVersion = 0x00010000
    for attr in ("maxZones", "maxTwilightPoints", "maxStorage", "maxFunctionDefs", "maxInstructionDefs",
                 "maxStackElements", "maxSizeOfInstructions", "maxComponentElements"):
        setattr(maxp, attr, 0)
    maxp.maxZones = 1
    maxp.maxComponentDepth = 0
    post = font["post"]
    post.formatType = 3.0       # no glyph names: smaller, and CID names mean nothing
    post.extraNames = []
    post.mapping = {}
    font["head"].glyphDataFormat = 0
    font["head"].indexToLocFormat = 1


def rename(font: TTFont, style: str) -> None:
    """Give every name record a new family (no 'Noto', no 'Source')."""
    name = font["name"]
    keep = {0, 7, 8, 9, 11, 12, 13, 14}
    name.names = [n for n in name.names if n.nameID in keep]
    full = FAMILY if style == "Regular" else f"{FAMILY} {style}"
    values = {1: FAMILY if style in ("Regular", "Bold") else full, 2: style,
              3: f"{PS_FAMILY}-{style};closeloop", 4: full, 5: "Version 1.0 (from Noto Serif CJK 2.x)",
              6: f"{PS_FAMILY}-{style}"}
    for nid, value in values.items():
        name.setName(value, nid, 3, 1, 0x409)
        name.setName(value, nid, 1, 0, 0)
    font["OS/2"].fsType = 0     # installable embedding (as in the source font)


def convert(source: Path, style: str, target: Path, chars: str) -> None:
    started = time.perf_counter()
    font = sc_face(source)
    subset(font, chars)
    to_truetype(font)
    rename(font, style)
    font.recalcTimestamp = False      # reproducible: keep the source's dates
    font.save(str(target))
    check = TTFont(str(target))
    assert "glyf" in check and "CFF " not in check
    print(f"{target.name}: {len(check.getGlyphOrder())} glyphs, {target.stat().st_size / 1e6:.1f} MB, "
          f"{time.perf_counter() - started:.0f} s")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--source", type=Path, default=Path("/usr/share/fonts/opentype/noto"))
    p.add_argument("--out", type=Path, default=ROOT / "resources" / "fonts")
    p.add_argument("--chars", help="only these characters (a quick trial)")
    p.add_argument("--only", choices=[f[1] for f in FACES], help="make this face only")
    a = p.parse_args(argv)
    for source, style, target, encoding in FACES:
        if a.only and style != a.only:
            continue
        convert(a.source / source, style, a.out / target, a.chars or gbk_characters(encoding))
    return 0


if __name__ == "__main__":
    sys.exit(main())
