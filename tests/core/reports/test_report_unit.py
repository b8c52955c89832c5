"""A unit's own list (issue 5, document 7): open assignments, red first, then by due; hub and unit databases."""
from __future__ import annotations

from pathlib import Path

import pytest
from report_pdf_helpers import (
    TODAY,
    assert_fonts_embedded,
    assert_landscape_a4,
    build_county,
    page_texts,
    shipped_fonts,  # noqa: F401 (a fixture)
    table_rows,
)

from core.db.connection import open_database
from core.errors import Refusal
from core.reports.unit_list import render_unit_list, unit_rows
from core.work import ledger
from tests._shared.db_copy import copy_database

RANK = {"red": 0, "yellow": 1, "green": 2}


@pytest.fixture(scope="module")
def county(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("unit") / "hub.db"
    build_county(template_hub, path)
    return path


def render(path: Path, out: Path, code: str, fonts: object) -> tuple[int, list[ledger.LedgerRow]]:
    db = open_database(path)
    try:
        pages = render_unit_list(db, out, code, as_of=TODAY, fonts=fonts)
        return pages, unit_rows(db, code, TODAY)[1]
    finally:
        db.conn.close()


def test_open_assignments_most_urgent_first(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    out = tmp_path / "tgz.pdf"
    pages, rows = render(county, out, "TGZ", shipped_fonts)
    assert pages == len(page_texts(out)) and len(rows) > 5
    assert {x.unit_code for x in rows} == {"TGZ"} and all(x.light for x in rows)
    keys = [(RANK[x.light], x.next_due) for x in rows]  # type: ignore[index]
    assert keys == sorted(keys) and {x.light for x in rows} == {"red", "yellow", "green"}
    got = table_rows(out)
    assert [(r[1], r[2], r[8]) for r in got] == [(x.task_no, x.title, x.light) for x in rows]
    text = "\n".join(page_texts(out))
    assert "太公镇" in text
    counts = {light: sum(1 for x in rows if x.light == light) for light in RANK}
    assert f"red {counts['red']}, yellow {counts['yellow']}, green {counts['green']}" in text
    assert f"{len(rows)} open assignments." in text
    assert_landscape_a4(out)
    assert_fonts_embedded(out)


def test_the_same_list_in_the_units_own_database(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    # a unit office's database: its own office row is the unit's (as enrollment makes it)
    unit_db = copy_database(county, tmp_path / "tgz-office.db",
                            "UPDATE office SET role = 'unit', code = 'TGZ', "
                            "unit_id = (SELECT id FROM unit WHERE code = 'TGZ') WHERE is_self = 1")
    _pages, hub_rows = render(county, tmp_path / "hub.pdf", "TGZ", shipped_fonts)
    _pages, unit_rows_ = render(unit_db, tmp_path / "unit.pdf", "tgz", shipped_fonts)
    assert unit_rows_ == hub_rows
    assert table_rows(tmp_path / "unit.pdf") == table_rows(tmp_path / "hub.pdf")


def test_a_unit_with_nothing_open_and_an_unknown_unit(county: Path, shipped_fonts, tmp_path: Path) -> None:  # noqa: F811
    from core.directory import add_unit
    from core.office import open_session

    copy = copy_database(county, tmp_path / "copy.db")
    s = open_session(copy, "admin", "test-pass", TODAY)
    add_unit(s, "KONG", "新设镇", "township")
    s.db.conn.close()
    pages, rows = render(copy, tmp_path / "empty.pdf", "KONG", shipped_fonts)
    assert (pages, rows) == (1, [])
    text = page_texts(tmp_path / "empty.pdf")[0]
    assert "新设镇" in text and "0 open assignments." in text
    with pytest.raises(Refusal, match="no unit with the code NOPE"):
        render(county, tmp_path / "nope.pdf", "NOPE", shipped_fonts)
    assert not (tmp_path / "nope.pdf").exists()
