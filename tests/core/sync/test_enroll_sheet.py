"""The enrollment sheet: the code and the fingerprint on paper, never on the stick (issue 12)."""
from __future__ import annotations

import subprocess


def test_the_enrollment_sheet_carries_the_code_and_the_fingerprint(loop, tmp_path):
    sheet = tmp_path / "sheet.pdf"
    data = loop.cli.json("enroll", "export", "--unit", "TGZ", "--out", str(loop.stick), "--sheet", str(sheet))
    text = subprocess.run(["pdftotext", "-layout", str(sheet), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert data["code"] in text and data["fingerprint"] in text
    assert "太公镇" in text and "2026-12-27" in text.replace(" ", "") or "December 27, 2026" in text
    assert data["code"].encode() not in b"".join(p.read_bytes() for p in loop.stick.iterdir())


def test_the_sheet_may_not_go_on_the_stick(loop, state):
    before = state(loop.hub)
    r = loop.cli("enroll", "export", "--unit", "TGZ", "--out", str(loop.stick), "--sheet",
                 str(loop.stick / "sheet.pdf"))
    assert r.code == 2 and "paper only" in r.err
    assert state(loop.hub) == before and list(loop.stick.iterdir()) == []
