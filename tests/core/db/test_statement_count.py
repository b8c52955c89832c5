"""How much SQL one action costs: a claim through the CLI, as a whole process, in at most 20 statements.

The statements are counted with `sqlite3.Connection.set_trace_callback` on every
connection the CLI opens (core.db.connection.connect), from opening the database
to the printed line; PRAGMAs are not counted. Each one has a job (docs/architecture.md,
"What a claim costs"): one look-up of the REF, one read of the office and the user,
one check of the migrations, and the replay, the event, the status row and the audit
entry inside one transaction.
"""
from __future__ import annotations

import datetime as dt

import pytest

import core.db.connection as connection

LIMIT = 20


@pytest.fixture
def traced(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every SQL statement run on a connection opened from now on, in order."""
    statements: list[str] = []
    real_connect = connection.connect

    def connect(path):  # noqa: ANN001, ANN202
        db = real_connect(path)
        db.conn.set_trace_callback(statements.append)
        return db

    monkeypatch.setattr(connection, "connect", connect)
    return statements


def counted(statements: list[str]) -> list[str]:
    """The statements run, without PRAGMAs and without the connection's one-time set-up.

    SQLite's trace reports a statement again at the start of each trigger program it
    fires (an event insert fires the seal capture): a repeat right after itself is the
    same statement. The seal capture's temporary table and triggers are created once
    per connection, like the PRAGMAs (core.audit_chain.install_capture); they are
    counted apart, in `setup()`.
    """
    out: list[str] = []
    for s in statements:
        if s.lstrip().upper().startswith(("PRAGMA", "CREATE TEMP")):
            continue
        if out and out[-1] == s:
            continue
        out.append(s)
    return out


def setup(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("CREATE TEMP")]


def test_a_cli_claim_costs_at_most_20_statements(cli, traced):
    cli.ok("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-11-26",
           "--lead", "TGZ", "--co", "FGJ")
    traced.clear()
    r = cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27")
    statements = counted(traced)
    assert r.out == "2026-1/TGZ: claim recorded for 2026-11-27; now claimed, completion due 2026-12-03.\n"
    assert len(statements) <= LIMIT, "\n".join(statements)
    assert sum(s.startswith("INSERT") for s in statements) == 4, statements  # event, status, seal, audit
    from core.audit_chain import SEALED

    assert len(setup(traced)) == 1 + 2 * len(SEALED)  # once for the connection, not per write
    assert cli.json("task", "show", "2026-1/TGZ")["assignments"][0]["claimed_on"] == "2026-11-27"


def test_a_refused_claim_reads_the_ref_once(cli, traced):
    cli.ok("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-11-26",
           "--lead", "TGZ")
    cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27")
    traced.clear()
    r = cli("claim", "2026-1/TGZ", "--on", "2026-11-27")
    assert r.code == 1 and "already claimed on 2026-11-27" in r.err
    statements = counted(traced)
    assert sum("t.task_no || '/' || u.code" in s for s in statements) == 1, statements
    assert not any(s.startswith("INSERT") for s in statements), statements


def test_record_takes_the_assignment_id_and_says_what_it_acted_on(hub_db):
    """The GUI form has the assignment's id: record resolves it once and returns the outcome."""
    from core.office import open_session
    from core.work.actions import Action, record
    from core.work.tasks import NewTask, add_tasks, find_assignment

    s = open_session(hub_db, "admin", "test-pass")
    try:
        add_tasks(s, [NewTask(title="城区污水管网改造", category="general", assigned_on=dt.date(2026, 11, 26),
                              lead="TGZ", co=("FGJ",))])
        a = find_assignment(s.db, "2026-1/FGJ")
        changes = record(s, a.id, Action("claim", dt.date(2026, 11, 27)))
        assert changes.assignments == {a.id} and changes.tasks == {a.task_id}
        assert changes.acted_on is not None
        assert (changes.acted_on.assignment_id, changes.acted_on.ref) == (a.id, "2026-1/FGJ")
        assert (changes.acted_on.state, changes.acted_on.due) == ("claimed", dt.date(2026, 12, 3))
        row = s.db.execute("SELECT state, due FROM assignment_status WHERE assignment_id = ?", [a.id]).fetchone()
        assert tuple(row) == ("claimed", "2026-12-03")
        from core.errors import Refusal
        with pytest.raises(Refusal, match="There is no assignment"):
            record(s, 9999, Action("claim", dt.date(2026, 11, 27)))
    finally:
        s.db.conn.close()
