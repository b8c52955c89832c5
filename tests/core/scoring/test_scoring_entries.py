"""The hub's entries behind the scores, as a clerk types them: bonuses, criticism and findings with
evidence files, the panel grid, and the issue's bad inputs refused with nothing changed."""
from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import pytest

from core.evidence import stored_path
from core.office import open_session
from core.scoring import add_finding, list_entries, panel_grid
from core.scoring.store import set_panel_score

PASSWORD = "test-pass"
D = dt.date


def test_bonus_with_attachments_stores_the_files(cli, hub_db: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "批示.pdf", tmp_path / "photo.jpg"
    one.write_bytes(b"%PDF-1.4 approving instruction")
    two.write_bytes(b"\xff\xd8 photo")
    r = cli.ok("bonus", "add", "--unit", "tgz", "--kind", "approving_instruction", "--on", "2026-03-05",
               "--text", "县委书记批示肯定", "--person", "张书记", "--attach", str(one), str(two))
    assert "TGZ" in r.out
    s = open_session(hub_db, "admin", PASSWORD)
    try:
        [entry] = list_entries(s.db, D(2026, 1, 1), D(2026, 12, 31))
        assert (entry.kind, entry.unit, entry.unit_name, entry.on, entry.text, entry.person, entry.user_name) == (
            "approving_instruction", "TGZ", "太公镇", D(2026, 3, 5), "县委书记批示肯定", "张书记", "admin")
        assert entry.points == 2.0
        sha = hashlib.sha256(one.read_bytes()).hexdigest()
        assert entry.files == [("批示.pdf", sha, one.stat().st_size),
                               ("photo.jpg", hashlib.sha256(two.read_bytes()).hexdigest(), two.stat().st_size)]
        assert stored_path(hub_db, sha).read_bytes() == one.read_bytes()
        audit = s.db.execute("SELECT action, ref, details FROM audit WHERE action = 'bonus_add'").fetchall()
        assert len(audit) == 1 and "批示.pdf" in audit[0][2]
    finally:
        s.db.conn.close()


def test_criticism_and_finding_with_attachment_and_listing(cli, hub_db: Path, tmp_path: Path) -> None:
    f = tmp_path / "整改通知.docx"
    f.write_bytes(b"rectification")
    cli.ok("criticism", "add", "--unit", "XYJ", "--on", "2026-04-02", "--text", "通报批评", "--attach", str(f))
    r = cli.ok("finding", "add", "--unit", "TGZ", "--on", "2026-04-10", "--text", "台账不全", "--person", "李四",
               "--attach", str(f))
    assert "TGZ" in r.out
    cli.ok("finding", "add", "--unit", "FGJ", "--on", "2026-05-10", "--text", "未按期整改")
    s = open_session(hub_db, "admin", PASSWORD)
    try:
        april = list_entries(s.db, D(2026, 4, 1), D(2026, 4, 30))
        assert [(e.kind, e.unit, e.points, len(e.files)) for e in april] == [
            ("public_criticism", "XYJ", -1.0, 1), ("finding", "TGZ", -1.0, 1)]
        assert april[0].files[0][1] == april[1].files[0][1]  # one stored copy, two links
        assert [e.unit for e in list_entries(s.db, D(2026, 1, 1), D(2026, 12, 31), "fgj")] == ["FGJ"]
        assert s.db.execute("SELECT entry_kind FROM entry_evidence ORDER BY id").fetchall() == [
            ("criticism",), ("finding",)]
    finally:
        s.db.conn.close()


def test_a_finding_deducts_in_its_month_and_is_explained(cli) -> None:
    cli.ok("finding", "add", "--unit", "TGZ", "--on", "2026-04-10", "--text", "台账不全")
    cli.ok("finding", "add", "--unit", "TGZ", "--on", "2026-04-20", "--text", "资料缺失")
    month = {r["unit"]: r for r in cli.json("score", "month", "2026-04")}
    assert month["TGZ"]["score"] == 98.0 and month["TGZ"]["rank"] == 2 and month["XYJ"]["rank"] == 1
    assert month["TGZ"]["reward"] is False  # rewards are quarterly
    assert {r["unit"]: r["score"] for r in cli.json("score", "month", "2026-05")}["TGZ"] == 100.0
    ex = cli.json("score", "explain", "TGZ", "2026-04")
    assert [(x["kind"], x["points"], x["date"]) for x in ex["lines"]] == [
        ("base", 100.0, None), ("finding", -1.0, "2026-04-10"), ("finding", -1.0, "2026-04-20")]
    assert ex["lines"][1]["text"] == "台账不全"
    q = {r["unit"]: r for r in cli.json("score", "quarter", "2026-Q2")}
    assert q["TGZ"]["months"] == [98.0, 100.0, 100.0] and q["TGZ"]["bonus"] == 0
    assert "98" in cli.ok("score", "explain", "TGZ", "2026-Q2").out  # a quarter explains by its months


def test_findings_follow_the_rule_set(cli, tmp_path: Path) -> None:
    rules = tmp_path / "rules.toml"
    rules.write_text("[monthly]\nfinding = 2.5\n", encoding="utf-8")
    cli.ok("rules", "import", str(rules))
    cli.ok("finding", "add", "--unit", "ZJJ", "--on", "2026-04-10", "--text", "台账不全")
    assert {r["unit"]: r["score"] for r in cli.json("score", "month", "2026-04")}["ZJJ"] == 97.5


def test_panel_grid_latest_per_leader_and_unit(hub_db: Path) -> None:
    s = open_session(hub_db, "admin", PASSWORD)
    try:
        set_panel_score(s, "2026-03", "王建国", "TGZ", 7)
        set_panel_score(s, "2026-03", "王建国", "TGZ", 8.5)
        set_panel_score(s, "2026-04", "王建国", "FGJ", 6)
        grid = panel_grid(s.db, "2026-3")
        assert grid.month == "2026-03" and [x.name for x in grid.leaders] == ["王建国"]
        assert [u.code for u in grid.units] == ["TGZ", "XYJ", "FGJ", "ZJJ"]
        assert grid.score("王建国", "TGZ") == 8.5 and grid.score("王建国", "FGJ") is None
        assert sum(v is not None for v in grid.scores.values()) == 1
        assert grid.leaders[0].units == ("TGZ", "FGJ")
    finally:
        s.db.conn.close()


def test_entries_for_an_inactive_unit_are_refused(hub_db: Path, state) -> None:
    from core.directory import set_unit_active

    s = open_session(hub_db, "admin", PASSWORD)
    try:
        set_unit_active(s, "ZJJ", False)
        before = state(hub_db)
        with pytest.raises(Exception, match="ZJJ 县住建局 is inactive"):
            add_finding(s, "ZJJ", D(2026, 4, 1), "台账不全")
        assert state(hub_db) == before
        assert "ZJJ" not in [u.code for u in panel_grid(s.db, "2026-04").units]
    finally:
        s.db.conn.close()


BAD_TOML = "[monthly]\nbase = 100\nco_weight = 0.5\nlate_claim = \n"
BAD_VALUE = "[monthly]\nbase = 100\nco_weight = 1.5\n"
BAD_KEY = "[ranking]\nties = \"shared\"\ntownship_reward = 3\n"


@pytest.mark.parametrize("args, code, words", [
    (("panel", "set", "2026-03", "--leader", "王建国", "--unit", "TGZ", "--score", "10.5"), 1,
     ["A panel score is from 0 to 10; 10.5 is not."]),
    (("panel", "set", "2026-03", "--leader", "王建国", "--unit", "TGZ", "--score", "-1"), 1, ["from 0 to 10"]),
    (("bonus", "add", "--unit", "NOPE", "--kind", "commendation", "--on", "2026-03-01", "--text", "表彰"), 1,
     ["There is no unit with the code NOPE"]),
    (("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-11-28", "--text", "表彰"), 1,
     ["The date 2026-11-28 is in the future"]),
    (("bonus", "add", "--unit", "TGZ", "--kind", "medal", "--on", "2026-03-01", "--text", "表彰"), 2, ["medal"]),
    (("criticism", "add", "--unit", "NOPE", "--on", "2026-03-01", "--text", "批评"), 1, ["no unit"]),
    (("finding", "add", "--unit", "TGZ", "--on", "2026-12-01", "--text", "问题"), 1, ["in the future"]),
    (("finding", "add", "--unit", "TGZ", "--on", "2026-13-01", "--text", "问题"), 2, ["2026-13-01"]),
    (("finding", "add", "--unit", "TGZ", "--on", "2026-03-01", "--text", " "), 2, ["text is empty"]),
    (("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-03-01", "--text", "表彰",
      "--attach", "MISSING"), 1, ["does not exist"]),
    (("finding", "add", "--unit", "TGZ", "--on", "2026-03-01", "--text", "问题", "--attach", "BIG"), 1,
     ["over the limit"]),
    (("rules", "import", "BAD_TOML"), 2, ["Line 4:", "not valid TOML"]),
    (("rules", "import", "BAD_VALUE"), 2, ["Line 3:", "monthly.co_weight", "between 0 and 1"]),
    (("rules", "import", "BAD_KEY"), 2, ["Line 3:", "ranking.township_reward"]),
    (("score", "month", "2026-11", "--publish"), 1, ["The period 2026-11 has not ended; publish it from 2026-12-01"]),
    (("score", "quarter", "2026-Q4", "--publish"), 1, ["has not ended"]),
])
def test_bad_input_is_refused_and_changes_nothing(cli, hub_db: Path, tmp_path: Path, state, args, code,
                                                  words) -> None:
    files = {"BAD_TOML": BAD_TOML, "BAD_VALUE": BAD_VALUE, "BAD_KEY": BAD_KEY}
    argv = []
    for a in args:
        if a in files:
            (tmp_path / f"{a}.toml").write_text(files[a], encoding="utf-8")
            a = str(tmp_path / f"{a}.toml")
        elif a == "MISSING":
            a = str(tmp_path / "missing.pdf")
        elif a == "BIG":
            (tmp_path / "big.pdf").write_bytes(b"x" * 4096)
            a = str(tmp_path / "big.pdf")
        argv.append(a)
    if "BIG" in args:  # the cap is a setting of the database, lowered before the snapshot
        import sqlite3

        conn = sqlite3.connect(hub_db)
        conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('attachment_max_mb', '0.001')")
        conn.commit()
        conn.close()
    before = state(hub_db)
    r = cli(*argv)
    assert r.code == code, r.err
    for w in words:
        assert w in r.err, r.err
    assert state(hub_db) == before
