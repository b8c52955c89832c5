"""Golden renders of the three list documents (issue 5): 周交办清单, 台账, a unit's own list.

Each page at 30 dpi must match the committed PNG under tests/core/golden/ within the
tolerance of `compare_golden`; CLOSELOOP_UPDATE_GOLDEN=1 rewrites them (look at them
before committing). The fonts are the shipped ones, so the renders are the same on
every machine.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from report_pdf_helpers import TODAY, build_county, shipped_fonts  # noqa: F401 (a fixture)
from score_report_helpers import compare_golden

from core.db.connection import open_database
from core.reports.ledger_pdf import render_ledger
from core.reports.unit_list import render_unit_list
from core.reports.weekly_list import render_weekly_list
from core.work import ledger

UPDATE = bool(os.environ.get("CLOSELOOP_UPDATE_GOLDEN"))


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("goldens") / "hub.db"
    return path, build_county(template_hub, path)


@pytest.mark.parametrize("name", ["weekly_long", "ledger_open", "unit_TGZ"])
def test_list_documents_match_their_golden_renders(county: tuple[Path, dict[str, int]], shipped_fonts,  # noqa: F811
                                                   tmp_path: Path, name: str) -> None:
    path, meetings = county
    out = tmp_path / f"{name}.pdf"
    db = open_database(path)
    try:
        if name == "weekly_long":
            render_weekly_list(db, out, meetings["long"], fonts=shipped_fonts)
        elif name == "ledger_open":
            render_ledger(db, out, ledger.LedgerFilter(state="open"), sort="light", as_of=TODAY, fonts=shipped_fonts)
        else:
            render_unit_list(db, out, "TGZ", as_of=TODAY, fonts=shipped_fonts)
    finally:
        db.conn.close()
    compare_golden(out, name, tmp_path, update=UPDATE)
