"""Shared checks for the PDF tests: fonts that never depend on the machine, reading PDFs back, goldens.

- `shipped_fonts_only()` points font discovery at resources/fonts only (no Windows
  folders, no fc-list) and forgets the cache; `restore_fonts()` undoes it.
- `lines(pdf_path)` → per page, the text lines (pdfplumber) top to bottom.
- `embedded_font_files(pdf_path)` → {font name: has FontFile2} over every page.
- `compare_golden(pdf_path, name)` renders page 1 with pdftoppm at 30 dpi, grey, and
  compares it with tests/core/golden/<name>.png by mean absolute pixel difference;
  CLOSELOOP_UPDATE_GOLDEN=1 rewrites the golden instead. Skips without pdftoppm.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden"
TOLERANCE = 2.0         # mean absolute difference of grey levels (0-255)


def shipped_fonts_only() -> None:
    from core.reports import fonts

    fonts.set_search(fonts.FontSearch(windows_dirs=(), fc_list=None, shipped_dir=fonts.SHIPPED_DIR))


def restore_fonts() -> None:
    from core.reports import fonts

    fonts.set_search(fonts.FontSearch())


def lines(pdf_path: Path) -> list[list[dict]]:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        return [page.extract_text_lines() for page in pdf.pages]


def text_of(pdf_path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(pdf_path) as pdf:
        return "\n".join(page.extract_text() for page in pdf.pages)


def embedded_font_files(pdf_path: Path) -> dict[str, bool]:
    from pypdf import PdfReader

    out: dict[str, bool] = {}
    for page in PdfReader(pdf_path).pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            descendants = font.get("/DescendantFonts")
            targets = [d.get_object() for d in descendants] if descendants else [font]
            for t in targets:
                desc = t.get("/FontDescriptor")
                out[str(font["/BaseFont"])] = bool(desc and "/FontFile2" in desc.get_object())
    return out


def compare_golden(pdf_path: Path, name: str, tmp_path: Path) -> None:
    exe = shutil.which("pdftoppm")
    if not exe:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    from PIL import Image, ImageChops, ImageStat

    stem = tmp_path / name
    subprocess.run([exe, "-r", "30", "-gray", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf_path), str(stem)],
                   check=True, timeout=60)
    got = Image.open(f"{stem}.png").convert("L")
    golden = GOLDEN / f"{name}.png"
    if os.environ.get("CLOSELOOP_UPDATE_GOLDEN") == "1" or not golden.exists():
        GOLDEN.mkdir(exist_ok=True)
        got.save(golden, optimize=True)
        if os.environ.get("CLOSELOOP_UPDATE_GOLDEN") != "1":
            pytest.fail(f"no golden render {golden.name}: written now; look at it and commit it")
        return
    want = Image.open(golden).convert("L")
    assert got.size == want.size, f"{name}: page size {got.size} != golden {want.size}"
    diff = ImageStat.Stat(ImageChops.difference(got, want)).mean[0]
    assert diff <= TOLERANCE, f"{name}: mean pixel difference {diff:.2f} > {TOLERANCE} (see {stem}.png)"
