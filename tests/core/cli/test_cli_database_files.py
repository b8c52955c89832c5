"""No CLI file argument may be the office's live database or its side files (issue 10).

Reading it with open() drops this process's SQLite locks; writing a PDF or a
workbook over it would destroy the office's record. Each case is refused before
anything runs, and the database (a dump of every table) is as it was.
"""
from __future__ import annotations

from pathlib import Path

import pytest


def _cases(db: Path) -> list[list[str]]:
    wal = f"{db}-wal"
    return [
        ["report", "ledger", "--out", str(db)],
        ["report", "unit", "TGZ", "--out", wal],
        ["rules", "import", str(db)],
        ["calendar", "import-notice", str(db), "--yes"],
        ["backup", "--out", str(db)],
        ["report", "2026-1/TGZ", "--on", "2026-03-10", "--text", "进展", "--attach", str(db)],
    ]


@pytest.mark.parametrize("case", range(6))
def test_the_live_database_is_never_a_file_argument(cli, hub_db: Path, state, case: int) -> None:
    argv = _cases(hub_db)[case]
    before = state(hub_db)
    size = hub_db.stat().st_size
    result = cli(*argv)
    assert result.code == 1, result
    assert "database" in result.err or "数据库" in result.err, result.err
    assert state(hub_db) == before
    assert hub_db.stat().st_size == size


def test_a_link_to_the_database_is_the_database(cli, hub_db: Path, tmp_path: Path, state) -> None:
    link = tmp_path / "rules.toml"
    link.symlink_to(hub_db)
    before = state(hub_db)
    result = cli("rules", "import", str(link))
    assert result.code == 1 and str(link) in result.err, result.err
    assert state(hub_db) == before


def test_the_core_refuses_the_database_as_evidence_whatever_face_calls_it(hub_db: Path, tmp_path: Path) -> None:
    """The app's forms reach core.evidence directly: the same file is refused there too."""
    from core.errors import Refusal
    from core.evidence import check_files

    link = tmp_path / "scan.pdf"
    link.symlink_to(hub_db)
    for given in (hub_db, link):
        with pytest.raises(Refusal, match="database itself"):
            check_files([given], 10 * 1024 * 1024, db_path=hub_db)

