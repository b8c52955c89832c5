"""The ledger (`task list`) and the rates (`stats`) through the CLI (README, docs/design.md §4–§5)."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import pytest

LIST_FIELDS = ["ref", "task_no", "title", "unit", "unit_name", "role", "leader", "assigned_on", "state", "light",
               "claim_due", "report_due", "due", "days_left", "on_time", "warnings", "new"]
PASSWORD = "test-pass"


def refs(rows: list[dict]) -> list[str]:
    return [r["ref"] for r in rows]


@pytest.fixture
def ledger(cli):
    """Five tasks in late November, with lights as of 2026-11-27 (warn_days 2) known:

    2026-1 城区污水管网改造 TGZ lead + FGJ co, leader 王建国, 11-20: TGZ claimed (report due 11-23 → red),
           FGJ claimed and reported (completion due 11-27 → yellow)
    2026-2 新阳街道污水处理站提标 XYJ, 11-25: claimed (report due 11-28 → yellow)
    2026-3 老旧小区改造 ZJJ, 11-26: claimed (report due 11-29 → green)
    2026-4 安全生产检查 FGJ, 11-27 (content mentions 燃气管网): not claimed (claim due today → yellow)
    2026-5 冬季供暖保障 XYJ, 11-02: closed on time
    """
    plan = [("城区污水管网改造", "2026-11-20", "TGZ", ["--co", "FGJ", "--leader", "王建国"]),
            ("新阳街道污水处理站提标", "2026-11-25", "XYJ", []),
            ("老旧小区改造", "2026-11-26", "ZJJ", []),
            ("安全生产检查", "2026-11-27", "FGJ", ["--content", "重点检查燃气管网"]),
            ("冬季供暖保障", "2026-11-02", "XYJ", [])]
    for title, date, lead, extra in plan:
        cli.ok("task", "add", "--title", title, "--category", "general", "--date", date, "--lead", lead, *extra)
    for ref, on in [("2026-1/TGZ", "2026-11-20"), ("2026-1/FGJ", "2026-11-20"), ("2026-2/XYJ", "2026-11-25"),
                    ("2026-3/ZJJ", "2026-11-26"), ("2026-5/XYJ", "2026-11-02")]:
        cli.ok("claim", ref, "--on", on)
    cli.ok("report", "2026-1/FGJ", "--on", "2026-11-21", "--text", "配合推进")
    cli.ok("complete", "2026-5/XYJ", "--on", "2026-11-06", "--text", "已保障")
    cli.ok("close", "2026-5/XYJ", "--on", "2026-11-07")
    return cli


def test_task_list_json_has_exactly_the_readme_fields(ledger):
    rows = ledger.json("task", "list")
    assert refs(rows) == ["2026-1/TGZ", "2026-1/FGJ", "2026-2/XYJ", "2026-3/ZJJ", "2026-4/FGJ", "2026-5/XYJ"]
    assert all(list(r) == LIST_FIELDS for r in rows)
    by_ref = {r["ref"]: r for r in rows}
    assert by_ref["2026-1/FGJ"] == {
        "ref": "2026-1/FGJ", "task_no": "2026-1", "title": "城区污水管网改造", "unit": "FGJ", "unit_name": "县发改局",
        "role": "co", "leader": "王建国", "assigned_on": "2026-11-20", "state": "in_progress", "light": "yellow",
        "claim_due": "2026-11-20", "report_due": "2026-11-23", "due": "2026-11-27", "days_left": 0,
        "on_time": None, "warnings": [], "new": False}
    assert {r: (x["state"], x["light"]) for r, x in by_ref.items()} == {
        "2026-1/TGZ": ("claimed", "red"), "2026-1/FGJ": ("in_progress", "yellow"),
        "2026-2/XYJ": ("claimed", "yellow"), "2026-3/ZJJ": ("claimed", "green"),
        "2026-4/FGJ": ("assigned", "yellow"), "2026-5/XYJ": ("closed", None)}
    assert by_ref["2026-2/XYJ"]["leader"] is None
    assert (by_ref["2026-5/XYJ"]["on_time"], by_ref["2026-5/XYJ"]["days_left"]) == (True, None)
    table = ledger.ok("task", "list").out
    assert "6 assignments." in table and "城区污水管网改造" in table


def test_task_list_filters(ledger):
    assert refs(ledger.json("task", "list", "--unit", "FGJ")) == ["2026-1/FGJ", "2026-4/FGJ"]
    assert refs(ledger.json("task", "list", "--unit", "xyj")) == ["2026-2/XYJ", "2026-5/XYJ"]
    # a leader's portfolio: the tasks they lead and every assignment of the units in their charge
    assert refs(ledger.json("task", "list", "--leader", "王建国")) == ["2026-1/TGZ", "2026-1/FGJ", "2026-4/FGJ"]
    assert refs(ledger.json("task", "list", "--state", "claimed")) == ["2026-1/TGZ", "2026-2/XYJ", "2026-3/ZJJ"]
    assert refs(ledger.json("task", "list", "--state", "assigned")) == ["2026-4/FGJ"]
    assert refs(ledger.json("task", "list", "--state", "closed")) == ["2026-5/XYJ"]
    assert len(ledger.json("task", "list", "--state", "open")) == 5
    assert refs(ledger.json("task", "list", "--light", "red")) == ["2026-1/TGZ"]
    assert refs(ledger.json("task", "list", "--light", "yellow")) == ["2026-1/FGJ", "2026-2/XYJ", "2026-4/FGJ"]
    assert refs(ledger.json("task", "list", "--light", "green")) == ["2026-3/ZJJ"]
    assert refs(ledger.json("task", "list", "--unit", "FGJ", "--light", "yellow", "--state", "assigned")) == [
        "2026-4/FGJ"]
    # same due: in the order the assignments were made
    assert refs(ledger.json("task", "list", "--sort", "due", "--limit", "3")) == [
        "2026-5/XYJ", "2026-1/TGZ", "2026-1/FGJ"]


@pytest.mark.parametrize(("query", "expected"), [
    ("污水管网", ["2026-1/TGZ", "2026-1/FGJ"]),                  # 4 characters: full-text (trigram)
    ("污水处", ["2026-2/XYJ"]),                                   # 3 characters: full-text
    ("污水", ["2026-1/TGZ", "2026-1/FGJ", "2026-2/XYJ"]),        # 2 characters: LIKE fallback
    ("管网", ["2026-1/TGZ", "2026-1/FGJ", "2026-4/FGJ"]),        # title and content
    ("燃气管网", ["2026-4/FGJ"]),                                 # content, full-text
    ("改", ["2026-1/TGZ", "2026-1/FGJ", "2026-3/ZJJ"]),          # one character
    ("地铁建设", []),
])
def test_task_list_search(ledger, query, expected):
    assert refs(ledger.json("task", "list", "--search", query)) == expected


def test_task_list_as_of_an_earlier_day(ledger):
    rows = ledger.json("task", "list", "--as-of", "2026-11-21")
    # tasks assigned after the day are not in the ledger of that day
    assert refs(rows) == ["2026-1/TGZ", "2026-1/FGJ", "2026-5/XYJ"]
    by_ref = {r["ref"]: r for r in rows}
    assert (by_ref["2026-1/TGZ"]["light"], by_ref["2026-1/TGZ"]["days_left"]) == ("green", 6)
    assert by_ref["2026-1/FGJ"]["state"] == "in_progress"
    assert ledger.json("task", "list", "--as-of", "2026-11-22", "--light", "yellow")[0]["ref"] == "2026-1/TGZ"
    # before the close, the closed one was still open and submitted
    before = {r["ref"]: r for r in ledger.json("task", "list", "--as-of", "2026-11-06")}
    assert (before["2026-5/XYJ"]["state"], before["2026-5/XYJ"]["on_time"]) == ("submitted", None)
    assert before["2026-5/XYJ"]["light"] == "green"


@pytest.mark.parametrize(("as_of", "light"), [
    ("2026-11-20", "green"), ("2026-11-21", "green"), ("2026-11-22", "yellow"), ("2026-11-23", "yellow"),
    ("2026-11-24", "red"), ("2026-11-27", "red")])
def test_light_of_a_claimed_assignment_day_by_day(ledger, as_of, light):
    """2026-1/TGZ was claimed on 11-20; its first report is due 11-23 (warn_days 2: yellow the day before)."""
    (row,) = [r for r in ledger.json("task", "list", "--as-of", as_of, "--unit", "TGZ")]
    assert (row["ref"], row["state"], row["light"]) == ("2026-1/TGZ", "claimed", light)
    assert refs(ledger.json("task", "list", "--as-of", as_of, "--light", light, "--unit", "TGZ")) == ["2026-1/TGZ"]


def test_the_past_view_of_a_day_equals_that_day_s_own_view(ledger):
    """As of 11-27 seen on 11-27 (cached status) and seen a week later (replayed in SQL) agree."""
    on_the_day = ledger.json("task", "list")
    later = ledger.json("task", "list", "--as-of", "2026-11-27", env={"CLOSELOOP_TODAY": "2026-12-04"})
    assert later == on_the_day
    for light in ("red", "yellow", "green"):
        assert ledger.json("task", "list", "--light", light) == ledger.json(
            "task", "list", "--as-of", "2026-11-27", "--light", light, env={"CLOSELOOP_TODAY": "2026-12-04"})
    assert ledger.json("stats") == ledger.json("stats", "--as-of", "2026-11-27",
                                               env={"CLOSELOOP_TODAY": "2026-12-04"})


# ---------------------------------------------------------------- the rates of docs/design.md §5

@dataclass(frozen=True)
class Planned:
    unit: str
    assigned: dt.date
    category: str
    claimed: bool
    submitted: dt.date | None
    closed: dt.date | None


def march_plan() -> list[Planned]:
    """40 tasks assigned in March 2026 (units in turn TGZ, XYJ, FGJ, ZJJ):

    - 0..31 general, assigned 03-01..03-16, due 03-08..03-23 (the 32 due by 03-31):
      0..28 closed on time, 29 and 30 completed after the due and closed (late), 31 claimed only;
    - 32..38 general, assigned 03-25..03-31 (due 04-01..04-07), 39 major assigned 03-02 (due 04-02):
      claimed and reported, not closed.
    """
    units = ("TGZ", "XYJ", "FGJ", "ZJJ")
    plan = []
    for i in range(40):
        unit = units[i % 4]
        if i < 32:
            d = dt.date(2026, 3, 1) + dt.timedelta(days=i // 2)
            if i in (29, 30):
                done, closed = d + dt.timedelta(days=9), d + dt.timedelta(days=10)
            elif i == 31:
                done = closed = None
            else:
                done, closed = d + dt.timedelta(days=5), d + dt.timedelta(days=6)
            plan.append(Planned(unit, d, "general", True, done, closed))
        elif i < 39:
            plan.append(Planned(unit, dt.date(2026, 3, 25 + i - 32), "general", True, None, None))
        else:
            plan.append(Planned(unit, dt.date(2026, 3, 2), "major", True, None, None))
    return plan


def build_march(path: Path) -> None:
    """The March plan (and one cancelled extra task) written through the core, as the CLI would."""
    from core.office import open_session
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks

    plan = march_plan()
    s = open_session(path, "admin", PASSWORD, today=dt.date(2026, 11, 27))
    try:
        items = [NewTask(title=f"三月交办事项{i + 1}", category=p.category, assigned_on=p.assigned, lead=p.unit)
                 for i, p in enumerate(plan)]
        items.append(NewTask(title="三月撤销事项", category="general", assigned_on=dt.date(2026, 3, 10), lead="TGZ"))
        numbers, _changes = add_tasks(s, items)
        for no, p in zip(numbers, plan, strict=False):
            ref = f"{no}/{p.unit}"
            record(s, ref, Action("claim", p.assigned))
            if p.submitted:
                record(s, ref, Action("completion", p.submitted, text="已办结"))
                record(s, ref, Action("close", p.closed))
            elif i_not_due(p):
                record(s, ref, Action("report", p.assigned, text="正在推进"))
        record(s, f"{numbers[-1]}/TGZ", Action("cancel", dt.date(2026, 3, 12), text="并入其他事项"))
    finally:
        s.db.conn.close()


def i_not_due(p: Planned) -> bool:
    return p.category == "major" or p.assigned >= dt.date(2026, 3, 25)


def expected(plan: list[Planned], t: dt.date) -> dict[str, int]:
    def due(p: Planned) -> dt.date:
        return dt.date(2026, 4, 2) if p.category == "major" else p.assigned + dt.timedelta(days=7)

    counted = [p for p in plan if due(p) <= t or (p.closed and p.closed <= t)]
    closed = [p for p in counted if p.closed and p.closed <= t]
    on_time = [p for p in closed if p.submitted and p.submitted <= due(p)]
    return {"counted": len(counted), "closed": len(closed), "on_time": len(on_time)}


@pytest.fixture(scope="module")
def march_template(template_hub: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests._shared.db_copy import copy_database

    path = copy_database(template_hub, tmp_path_factory.mktemp("march") / "march.db")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CLOSELOOP_TODAY", "2026-11-27")
        build_march(path)
    return path


@pytest.fixture
def march(march_template, hub_db, copy_db, cli):
    copy_db(march_template, hub_db)
    return cli


def test_rates_check_of_design_as_of_march_31(march):
    figures = march.json("stats", "--as-of", "2026-03-31", "--from", "2026-03-01", "--to", "2026-03-31")
    assert figures == {
        "as_of": "2026-03-31", "from": "2026-03-01", "to": "2026-03-31", "counted": 32, "closed": 31,
        "on_time": 29, "completion_rate": 31 / 32, "on_time_rate": 29 / 32,
        "open": 9, "red": 1, "yellow": 1, "green": 7}
    assert figures["completion_rate"] == 0.96875
    table = march.ok("stats", "--as-of", "2026-03-31").out
    assert "96.9%" in table and "90.6%" in table
    assert "As of 2026-03-31" in table


def test_rates_on_march_31_itself_equal_the_as_of_view(march):
    """With today = 03-31 the cached statuses are used; the figures are the same."""
    today = march.json("stats", env={"CLOSELOOP_TODAY": "2026-03-31"})
    past = march.json("stats", "--as-of", "2026-03-31")
    assert today == past
    assert (today["counted"], today["closed"], today["on_time"]) == (32, 31, 29)


def test_rates_today_count_every_due_assignment(march):
    figures = march.json("stats")
    assert (figures["counted"], figures["closed"], figures["on_time"]) == (40, 31, 29)
    assert figures["completion_rate"] == 31 / 40 and figures["red"] == 9
    assert march.json("stats", "--from", "2026-04-01")["counted"] == 0
    assert march.json("stats", "--from", "2026-04-01")["completion_rate"] is None


@pytest.mark.parametrize("as_of", ["2026-03-15", "2026-03-31", "2026-04-05"])
def test_rates_by_unit_kind_and_leader(march, as_of):
    t = dt.date.fromisoformat(as_of)
    plan = march_plan()
    total = march.json("stats", "--as-of", as_of)
    assert {k: total[k] for k in ("counted", "closed", "on_time")} == expected(plan, t)

    by_unit = march.json("stats", "--as-of", as_of, "--by", "unit")
    assert by_unit["by"] == "unit"
    groups = {g["group"]: g for g in by_unit["groups"]}
    names = {"TGZ": "太公镇", "XYJ": "新阳街道", "FGJ": "县发改局", "ZJJ": "县住建局"}
    assert {k: g["name"] for k, g in groups.items()} == names
    for code in names:
        mine = [p for p in plan if p.unit == code]
        assert {k: groups[code][k] for k in ("counted", "closed", "on_time")} == expected(mine, t), code
        g = groups[code]
        assert g["completion_rate"] == (g["closed"] / g["counted"] if g["counted"] else None)

    by_kind = {g["group"]: g for g in march.json("stats", "--as-of", as_of, "--by", "kind")["groups"]}
    towns = [p for p in plan if p.unit in ("TGZ", "XYJ")]
    assert {k: by_kind["township"][k] for k in ("counted", "closed", "on_time")} == expected(towns, t)
    assert by_kind["township"]["name"] == "township" and by_kind["department"]["name"] == "department"
    assert by_kind["township"]["counted"] + by_kind["department"]["counted"] == total["counted"]

    by_leader = march.json("stats", "--as-of", as_of, "--by", "leader")["groups"]
    assert [g["group"] for g in by_leader] == ["王建国"]
    his = [p for p in plan if p.unit in ("TGZ", "FGJ")]  # the units in his charge
    assert {k: by_leader[0][k] for k in ("counted", "closed", "on_time")} == expected(his, t)


def test_stats_table_by_unit_lists_names_and_the_total(march):
    out = march.ok("stats", "--as-of", "2026-03-31", "--by", "unit").out
    lines = out.splitlines()
    assert any(line.startswith("太公镇") for line in lines)
    assert any(line.startswith("All") and "96.9%" in line and "90.6%" in line for line in lines)


def test_task_list_of_the_march_ledger(march):
    rows = march.json("task", "list", "--as-of", "2026-03-31", "--state", "open")
    assert len(rows) == 9  # the 8 not yet due and the one overdue; the cancelled one is not open
    assert [r["light"] for r in rows].count("red") == 1
    assert len(march.json("task", "list", "--unit", "TGZ")) == 11  # ten of the plan and the cancelled one
    numbers = [r["task_no"] for r in march.json("task", "list")]
    assert numbers == [f"2026-{i}" for i in range(1, 42)]  # numeric order: 2026-9 before 2026-10
