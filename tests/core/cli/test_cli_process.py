"""The CLI as a real process: exit codes, JSON on stdout, exactly one line on stderr, never a traceback."""
from __future__ import annotations

import json

import pytest

from tests._shared.paths import FIXTURES


def one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, repr(err)
    assert "usage:" not in err.lower()
    return err


def test_a_clerk_session_in_real_processes(subproc, hub_db):
    p = subproc("task", "add", "--title", "城区污水管网改造", "--category", "general", "--date", "2026-03-08",
                "--lead", "TGZ", "--co", "FGJ", "--json", db=hub_db)
    assert (p.returncode, p.stderr) == (0, "")
    data = json.loads(p.stdout)
    assert [(a["ref"], a["report_due"], a["due"]) for a in data["assignments"]] == [
        ("2026-1/TGZ", "2026-03-11", "2026-03-15"), ("2026-1/FGJ", "2026-03-11", "2026-03-15")]
    p = subproc("claim", "2026-1/TGZ", "--on", "2026-03-08", db=hub_db, env={"CLOSELOOP_USER": "clerk"})
    assert (p.returncode, p.stderr) == (0, "")
    assert "now claimed" in p.stdout
    p = subproc("task", "list", "--json", "--state", "claimed", db=hub_db, env={"CLOSELOOP_DB": str(hub_db)})
    assert [r["ref"] for r in json.loads(p.stdout)] == ["2026-1/TGZ"]
    p = subproc("audit", "--json", "--ref", "2026-1/TGZ", env={"CLOSELOOP_DB": str(hub_db)})  # the db from the env
    assert [(r["action"], r["user"]) for r in json.loads(p.stdout)] == [("claim", "clerk")]


@pytest.mark.parametrize(("argv", "env", "code", "message"), [
    (["claim", "2026-9/TGZ", "--on", "2026-03-08"], {}, 1, "Error: There is no task 2026-9"),
    (["claim", "2026-9/TGZ", "--on", "2026-3-32"], {}, 2, "--on: '2026-3-32' is not a date"),
    (["frobnicate"], {}, 2, "invalid choice: 'frobnicate'"),
    (["report", "2026-9/TGZ", "--on", "2026-03-08"], {}, 2, "the following arguments are required: --text"),
    (["task", "list"], {"CLOSELOOP_PASSWORD": None}, 2, "No password given: set CLOSELOOP_PASSWORD"),
    (["task", "list"], {"CLOSELOOP_PASSWORD": "nope"}, 1, "Wrong user name or password"),
    (["unit", "add", "--code", "NEW", "--name", "新镇", "--kind", "township"], {"CLOSELOOP_USER": "viewer"}, 1,
     "The user viewer may only read"),
])
def test_failures_exit_with_one_line(subproc, hub_db, argv, env, code, message):
    p = subproc(*argv, db=hub_db, env=env)
    assert p.returncode == code, p.stderr
    assert message in one_line(p.stderr)
    assert p.stdout == ""


def test_database_path_failures(subproc, tmp_path):
    p = subproc("task", "list", db=tmp_path)
    assert p.returncode == 1
    assert f"{tmp_path} is a folder, not a Closeloop database" in one_line(p.stderr)
    p = subproc("task", "list", db=tmp_path / "missing.db")
    assert p.returncode == 1 and "There is no database at" in one_line(p.stderr)
    assert not (tmp_path / "missing.db").exists()
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database at all" * 200)
    p = subproc("task", "list", db=garbage)
    assert p.returncode == 1 and "is not a Closeloop database or is damaged" in one_line(p.stderr)
    assert not list(tmp_path.glob("xdg/**/closeloop.log"))


def test_init_in_a_process_then_refused_twice(subproc, tmp_path):
    db = tmp_path / "county" / "hub.db"
    p = subproc("init", "--role", "hub", "--office", "示例县委督查室", "--code", "HUB", "--admin", "admin", db=db)
    assert (p.returncode, p.stderr) == (0, "")
    p = subproc("init", "--role", "hub", "--office", "示例县委督查室", "--code", "HUB", "--admin", "admin", db=db)
    assert p.returncode == 1 and "A database already exists" in one_line(p.stderr)
    p = subproc("init", "--role", "unit", "--office", "太公镇", "--code", "TGZ", "--admin", "admin",
                db=tmp_path / "unit.db")
    assert p.returncode == 1 and "enrollment file" in one_line(p.stderr)
    assert not (tmp_path / "unit.db").exists()
    p = subproc("init", "--role", "hub", "--office", "县", "--code", "H", "--admin", "admin", db=tmp_path / "x.db",
                env={"CLOSELOOP_PASSWORD": None})
    assert p.returncode == 2 and "No password given" in one_line(p.stderr)
    assert not (tmp_path / "x.db").exists()


def test_notice_preview_without_a_terminal_saves_nothing(subproc, hub_db, tmp_path, state):
    notice = tmp_path / "notice.txt"
    notice.write_text((FIXTURES / "notice_2027_invented.txt").read_text(encoding="utf-8"),
                      encoding="utf-8")
    before = state(hub_db)
    p = subproc("calendar", "import-notice", str(notice), db=hub_db)
    assert (p.returncode, p.stderr) == (0, "")
    assert "Nothing saved; run again with --yes" in p.stdout
    assert state(hub_db) == before
