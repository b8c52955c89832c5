"""The scoring CLI: score month/quarter/explain/reopen, bonus, criticism and panel, as a clerk types them."""
from __future__ import annotations


def scenario(cli) -> None:
    """TGZ in March (docs/design.md §6 check): 2 lead overdue, 1 lead return, 1 late first report as co."""
    for i in range(3):
        cli.ok("task", "add", "--title", f"事项{i}", "--category", "general", "--date", "2026-03-02", "--lead", "TGZ")
    cli.ok("task", "add", "--title", "协办事项", "--category", "general", "--date", "2026-03-02", "--lead", "XYJ",
           "--co", "TGZ")
    for n in (1, 2):
        cli.ok("claim", f"2026-{n}/TGZ", "--on", "2026-03-02")
        cli.ok("report", f"2026-{n}/TGZ", "--on", "2026-03-03", "--text", "进展")
    steps = [("claim", "2026-3/TGZ", "02"), ("report", "2026-3/TGZ", "03"), ("complete", "2026-3/TGZ", "04"),
             ("return", "2026-3/TGZ", "05"), ("complete", "2026-3/TGZ", "06"), ("close", "2026-3/TGZ", "07"),
             ("claim", "2026-4/TGZ", "02"), ("report", "2026-4/TGZ", "06"), ("complete", "2026-4/TGZ", "08"),
             ("close", "2026-4/TGZ", "09"), ("claim", "2026-4/XYJ", "02"), ("complete", "2026-4/XYJ", "03"),
             ("close", "2026-4/XYJ", "04")]
    for verb, ref, day in steps:
        extra = ["--text", "材料"] if verb in ("complete", "report") else ["--reason", "材料不全"] if verb == "return" else []
        cli.ok(verb, ref, "--on", f"2026-03-{day}", *extra)


def test_month_quarter_and_explain(cli) -> None:
    scenario(cli)
    month = {r["unit"]: r for r in cli.json("score", "month", "2026-03")}
    assert month["TGZ"] == {"unit": "TGZ", "name": "太公镇", "kind": "township", "score": 95.75, "rank": 2,
                            "reward": False, "completion_rate": 0.5, "on_time_rate": 0.5}
    assert month["XYJ"]["rank"] == 1 and month["FGJ"]["kind"] == "department"
    cli.ok("bonus", "add", "--unit", "TGZ", "--kind", "approving_instruction", "--on", "2026-01-20", "--text", "批示")
    cli.ok("bonus", "add", "--unit", "TGZ", "--kind", "approving_instruction", "--on", "2026-02-20", "--text", "批示")
    cli.ok("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2026-03-20", "--text", "表彰",
           "--person", "市委")
    for day in ("12", "13"):
        cli.ok("criticism", "add", "--unit", "TGZ", "--on", f"2026-02-{day}", "--text", "通报批评")
    q = {r["unit"]: r for r in cli.json("score", "quarter", "2026-Q1")}
    assert (q["TGZ"]["score"], q["TGZ"]["bonus"], q["TGZ"]["months"]) == (298.75, 5.0, [100.0, 98.0, 95.75])
    assert q["TGZ"]["reward"] is True and q["FGJ"]["reward"] is True
    ex = cli.json("score", "explain", "TGZ", "2026-Q1")
    assert round(sum(x["points"] for x in ex["lines"]), 6) == ex["score"] == 298.75
    ex = cli.json("score", "explain", "tgz", "2026-03")
    assert ex["lines"][0]["points"] == 100 and round(sum(x["points"] for x in ex["lines"]), 6) == 95.75
    assert {x["ref"] for x in ex["lines"] if x["role"]} == {"2026-1/TGZ", "2026-2/TGZ", "2026-3/TGZ", "2026-4/TGZ"}
    text = cli.ok("score", "explain", "TGZ", "2026-03").out
    assert "95.75" in text and "2026-4/TGZ" in text
    assert "太公镇" in cli.ok("score", "quarter", "2026-Q1").out
    assert "Not published" in cli.ok("score", "month", "2026-03", "--as-of", "2026-03-31").out


def test_as_of_counts_only_what_was_missed_by_then(cli) -> None:
    scenario(cli)
    early = {r["unit"]: r["score"] for r in cli.json("score", "month", "2026-03", "--as-of", "2026-03-05")}
    assert early["TGZ"] == 98.0  # only the return of 03-05; the dues of 03-09 have not passed


def test_publish_reopen_republish(cli) -> None:
    scenario(cli)
    r = cli("score", "month", "2026-11", "--publish")
    assert r.code == 1 and "has not ended" in r.err
    assert cli.json("score", "month", "2026-03", "--publish")[1]["score"] == 95.75
    assert "Published" in cli.ok("score", "month", "2026-03").out
    cli.ok("criticism", "add", "--unit", "TGZ", "--on", "2026-03-20", "--text", "通报批评")
    assert {x["unit"]: x["score"] for x in cli.json("score", "month", "2026-03")}["TGZ"] == 95.75
    r = cli("score", "reopen", "2026-03", "--reason", " ")
    assert r.code == 2 and "needs a reason" in r.err
    cli.ok("score", "reopen", "2026-03", "--reason", "补录通报批评")
    assert {x["unit"]: x["score"] for x in cli.json("score", "month", "2026-03", "--publish")}["TGZ"] == 94.75
    audit = [e["action"] for e in cli.json("audit", "--ref", "2026-03")]
    assert audit == ["score_publish", "score_reopen", "score_publish"]
    r = cli("score", "reopen", "2026-Q1", "--reason", "x")
    assert r.code == 1 and "not published" in r.err
    q = {x["unit"]: x for x in cli.json("score", "quarter", "2026-Q1", "--publish")}
    assert q["TGZ"]["months"] == [100.0, 100.0, 94.75] and q["TGZ"]["score"] == 294.75
    cli.ok("bonus", "add", "--unit", "TGZ", "--kind", "public_praise", "--on", "2026-02-02", "--text", "表扬")
    assert {x["unit"]: x["score"] for x in cli.json("score", "quarter", "2026-Q1")}["TGZ"] == 294.75
    assert "Published" in cli.ok("score", "quarter", "2026-Q1").out


def test_panel_and_refusals(cli, hub_db, state) -> None:
    cli.ok("panel", "set", "2026-03", "--leader", "王建国", "--unit", "TGZ", "--score", "8.5")
    before = state(hub_db)
    for args, code, words in [
        (("panel", "set", "2026-03", "--leader", "王建国", "--unit", "TGZ", "--score", "11"), 1, "from 0 to 10"),
        (("panel", "set", "2026-13", "--leader", "王建国", "--unit", "TGZ", "--score", "5"), 2, "not a month"),
        (("panel", "set", "2026-03", "--leader", "某某", "--unit", "TGZ", "--score", "5"), 1, "no leader"),
        (("bonus", "add", "--unit", "XX", "--kind", "commendation", "--on", "2026-03-01", "--text", "t"), 1, "no unit"),
        (("bonus", "add", "--unit", "TGZ", "--kind", "commendation", "--on", "2027-03-01", "--text", "t"), 1,
         "in the future"),
        (("criticism", "add", "--unit", "TGZ", "--on", "2026-03-01", "--text", "t"), 1, "may only read"),
        (("score", "quarter", "2026-Q5"), 2, "not a quarter"),
    ]:
        user = "viewer" if "may only read" in words else None
        r = cli(*args, user=user)
        assert (r.code, words in r.err) == (code, True), r.err
    assert state(hub_db) == before


def test_explain_names_the_task_by_its_title_in_the_table_and_the_json(cli) -> None:
    scenario(cli)
    ex = cli.json("score", "explain", "TGZ", "2026-03")
    titles = {x["ref"]: x["title"] for x in ex["lines"] if x["ref"]}
    assert titles == {"2026-1/TGZ": "事项0", "2026-2/TGZ": "事项1", "2026-3/TGZ": "事项2", "2026-4/TGZ": "协办事项"}
    assert [x["title"] for x in ex["lines"] if not x["ref"]] == [None] * sum(1 for x in ex["lines"] if not x["ref"])
    text = cli.ok("score", "explain", "TGZ", "2026-03").out
    assert "Task title" in text and "协办事项" in text
    quarter = cli.json("score", "explain", "TGZ", "2026-Q1")
    assert all(x["title"] is None for x in quarter["lines"] if x["kind"] == "month")
