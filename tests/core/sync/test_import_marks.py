"""The hub's ledger after an import (issue 13): the rows an import changed are marked until opened.

太公镇 (TGZ) and 新阳街道 (XYJ) join the hub, work their items and send a bundle each; the
hub imports both. The marks name exactly the assignments the bundles changed, the
summary sentence counts their records per office, `task list --new` lists them, and
opening a task (core.sync.marks.task_seen) clears its marks.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from core.db.connection import connect
from core.i18n import language, set_language
from core.sync import marks
from core.work.ledger import LedgerFilter, ledger_ids, ledger_rows

DAY = "2026-11-27"


@pytest.fixture
def imported(loop):  # noqa: ANN001, ANN201
    """The hub after importing one bundle of TGZ (5 claims and reports, 1 completion, 1 extension
    request on four assignments) and one of XYJ (1 claim)."""
    loop.add_task("城区污水管网改造", "TGZ", "FGJ")      # 2026-1
    loop.add_task("农村道路硬化", "XYJ")                 # 2026-2
    loop.add_task("集镇环境整治", "TGZ")                 # 2026-3
    loop.add_task("秋粮收购", "TGZ")                     # 2026-4
    loop.add_task("冬季防火", "TGZ")                     # 2026-5, left alone by TGZ
    loop.add_task("防汛物资", "TGZ")                     # 2026-6
    tgz, xyj = loop.join("TGZ"), loop.join("XYJ")
    cli = loop.cli
    cli.ok("claim", "2026-1/TGZ", "--on", DAY, db=tgz)
    cli.ok("report", "2026-1/TGZ", "--on", DAY, "--text", "已部署", db=tgz)
    cli.ok("claim", "2026-3/TGZ", "--on", DAY, db=tgz)
    cli.ok("claim", "2026-4/TGZ", "--on", DAY, db=tgz)
    cli.ok("complete", "2026-4/TGZ", "--on", DAY, "--text", "已完成", db=tgz)
    cli.ok("claim", "2026-6/TGZ", "--on", DAY, db=tgz)
    cli.ok("extend", "2026-6/TGZ", "--on", DAY, "--until", "2026-12-31", "--plan", "分三步完成", db=tgz)
    cli.ok("claim", "2026-2/XYJ", "--on", DAY, db=xyj)
    loop.take(loop.hub, loop.send(tgz, "HUB"))
    loop.take(loop.hub, loop.send(xyj, "HUB"))
    return loop


def _ids(loop, *refs: str) -> set[int]:  # noqa: ANN001
    out = set()
    for ref in refs:
        task_no, unit = ref.split("/")
        out |= {r[0] for r in loop.sql(loop.hub, "SELECT a.id FROM assignment a JOIN task t ON t.id = a.task_id "
                                       "JOIN unit u ON u.id = a.unit_id WHERE t.task_no = ? AND u.code = ?",
                                       task_no, unit)}
    return out


def _marked(loop) -> set[int]:  # noqa: ANN001
    return {r[0] for r in loop.sql(loop.hub, "SELECT assignment_id FROM import_mark WHERE seen_at IS NULL")}


def test_an_import_marks_exactly_the_assignments_it_changed(imported) -> None:  # noqa: ANN001
    assert _marked(imported) == _ids(imported, "2026-1/TGZ", "2026-3/TGZ", "2026-4/TGZ", "2026-6/TGZ",
                                     "2026-2/XYJ")
    kinds = dict(imported.sql(imported.hub, "SELECT assignment_id, kinds FROM import_mark"))
    (first,) = _ids(imported, "2026-1/TGZ")
    assert kinds[first] == "claim,report"
    # the co unit's assignment and the untouched item are not marked
    assert not _marked(imported) & _ids(imported, "2026-1/FGJ", "2026-5/TGZ")
    # a bundle imported again marks nothing new
    listed = imported.cli.json("task", "list", "--new")
    assert {r["ref"] for r in listed} == {"2026-1/TGZ", "2026-3/TGZ", "2026-4/TGZ", "2026-6/TGZ", "2026-2/XYJ"}
    assert all(r["new"] for r in listed)
    everything = imported.cli.json("task", "list")
    assert {r["ref"] for r in everything if not r["new"]} >= {"2026-1/FGJ", "2026-5/TGZ"}


def test_the_summary_counts_the_records_of_the_round_per_office(imported) -> None:  # noqa: ANN001
    db = connect(imported.hub)
    try:
        summary = marks.latest_import(db)
    finally:
        db.conn.close()
    assert summary is not None and summary.unseen == 5
    by_code = {o.code: o for o in summary.offices}
    assert set(by_code) == {"TGZ", "XYJ"}
    assert (by_code["TGZ"].feedback, by_code["TGZ"].kinds["completion"],
            by_code["TGZ"].kinds["extension_request"], by_code["TGZ"].assignments) == (5, 1, 1, 4)
    assert by_code["XYJ"].feedback == 1
    before = language()
    set_language("zh_CN")
    try:
        today = summary.day
        assert summary.sentence(today) == "本次导入：太公镇 5 条反馈、1 项延期申请、1 项办结；新阳街道 1 条反馈"
        assert summary.sentence(today.replace(year=today.year + 1)).startswith("上次导入（")
    finally:
        set_language(before)
    set_language("en")
    try:
        english = summary.sentence(summary.day)
    finally:
        set_language(before)
    assert english == ("This import: 太公镇 5 claims and progress reports, 1 extension "
                                             "request, 1 completion; 新阳街道 1 claim or progress report")


def test_opening_a_task_clears_its_marks_and_only_those(imported) -> None:  # noqa: ANN001
    db = connect(imported.hub)
    try:
        assert marks.task_seen(db, "2026-1") == _ids(imported, "2026-1/TGZ")
        assert marks.task_seen(db, "2026-1") == set()  # nothing left to clear: nothing written
        assert marks.task_seen(db, "2099-1") == set()
        new = ledger_ids(db, LedgerFilter(new_only=True), as_of=imported_day())
        rows = {r.ref: r.new for r in ledger_rows(db, ledger_ids(db, LedgerFilter(), as_of=imported_day()),
                                                   as_of=imported_day())}
        summary = marks.latest_import(db)
    finally:
        db.conn.close()
    assert set(new) == _ids(imported, "2026-3/TGZ", "2026-4/TGZ", "2026-6/TGZ", "2026-2/XYJ")
    assert rows["2026-1/TGZ"] is False and rows["2026-3/TGZ"] is True
    assert summary is not None and summary.unseen == 4  # the round's counts stay; 4 not opened yet
    assert {r["ref"] for r in imported.cli.json("task", "list", "--new")} == {
        "2026-3/TGZ", "2026-4/TGZ", "2026-6/TGZ", "2026-2/XYJ"}


def test_opening_on_a_read_only_database_leaves_the_mark_and_does_not_fail(imported, tmp_path: Path) -> None:  # noqa: ANN001
    conn = sqlite3.connect(f"file:{imported.hub}?mode=ro", uri=True)
    try:
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        assert marks.task_seen(db, "2026-1") == set()
    finally:
        conn.close()
    assert _marked(imported) >= _ids(imported, "2026-1/TGZ")


def test_a_bundle_brought_again_marks_nothing(imported) -> None:  # noqa: ANN001
    before = imported.sql(imported.hub, "SELECT * FROM import_mark ORDER BY assignment_id, bundle_id")
    for file in sorted(imported.stick.glob("*至*.closeloop")):
        imported.cli("bundle", "import", str(file))
    assert imported.sql(imported.hub, "SELECT * FROM import_mark ORDER BY assignment_id, bundle_id") == before


def imported_day():  # noqa: ANN201
    from core import clock

    return clock.today()
