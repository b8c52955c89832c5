"""Fixtures for the core and CLI tests: English messages, a fixed day, a template hub database.

The template hub is built once per session through the core's own API and copied
(SQLite backup API, tests/_shared/db_copy.py) for each test (docs/architecture.md §9, habit 10). It holds:
- units TGZ 太公镇 and XYJ 新阳街道 (township), FGJ 县发改局 and ZJJ 县住建局 (department);
- the leader 王建国 (副县长), in charge of TGZ and FGJ;
- users admin (administrator), clerk and viewer, all with the password `PASSWORD`
  (hashed at a lower scrypt cost, to keep the many sign-ins of the CLI tests fast).

`cli` runs `main.main([...])` in process against a copy and returns (code, out, err);
`run_subprocess` runs `python main.py ...` for the checks that need a real process.
"""
from __future__ import annotations

import io
import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

ROOT = Path(__file__).resolve().parents[2]
# the project root, and this folder: tests in its subfolders (which mirror the code's families,
# issue 11) import the helper modules kept here by bare name, e.g. `from report_pdf_helpers import ...`
for _folder in (ROOT, Path(__file__).resolve().parent):
    if str(_folder) not in sys.path:
        sys.path.insert(0, str(_folder))

from tests._shared.db_copy import copy_database  # noqa: E402  (the one copy helper, shared with tests/ui)

TODAY = "2026-11-27"
PASSWORD = "test-pass"
UNITS = (("TGZ", "太公镇", "township"), ("XYJ", "新阳街道", "township"),
         ("FGJ", "县发改局", "department"), ("ZJJ", "县住建局", "department"))
LEADER = "王建国"


class Result(NamedTuple):
    """What one CLI run gave: the exit code, stdout and stderr."""

    code: int
    out: str
    err: str

    def json(self) -> Any:
        assert self.code == 0, self.err
        return json.loads(self.out)


def db_state(path: Path) -> tuple[list[str], list[str]]:
    """Everything a write could change: a dump of every table and the evidence files beside the db."""
    conn = sqlite3.connect(path)
    try:
        dump = list(conn.iterdump())
    finally:
        conn.close()
    evidence = Path(f"{path}.evidence")
    files = sorted(str(p.relative_to(evidence)) for p in evidence.rglob("*")) if evidence.exists() else []
    return dump, files


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    """English messages, the test day, passwords from the environment, logs in tmp_path."""
    from core.i18n import set_language

    monkeypatch.setenv("CLOSELOOP_LANG", "en")
    monkeypatch.setenv("CLOSELOOP_TODAY", TODAY)
    monkeypatch.setenv("CLOSELOOP_PASSWORD", PASSWORD)
    monkeypatch.setenv("CLOSELOOP_FONTS", "shipped")  # printed materials look the same on every machine
    monkeypatch.setenv("CLOSELOOP_NEW_PASSWORD", PASSWORD)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # the crash log, if any, stays here
    monkeypatch.delenv("CLOSELOOP_USER", raising=False)
    monkeypatch.delenv("CLOSELOOP_DB", raising=False)
    set_language("en")
    yield
    set_language("en")


def build_hub(path: Path) -> None:
    """The template hub (see the module docstring)."""
    from core.directory import add_leader, add_unit, add_user
    from core.office import init_office

    mp = pytest.MonkeyPatch()
    mp.setenv("CLOSELOOP_TODAY", TODAY)
    mp.setenv("CLOSELOOP_LANG", "en")
    # a cheaper scrypt cost for the template's passwords (the cost is stored in each hash, so
    # signing in checks them the same way, only faster); users added by a test get the real cost
    mp.setattr("core.auth._N", 2**10)
    try:
        s = init_office(path, name="示例县委督查室", code="HUB", admin="admin", password=PASSWORD)
        try:
            for code, name, kind in UNITS:
                add_unit(s, code, name, kind)
            add_leader(s, LEADER, "副县长", ["TGZ", "FGJ"])
            add_user(s, "clerk", "clerk", PASSWORD)
            add_user(s, "viewer", "viewer", PASSWORD)
            s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            s.db.conn.close()
    finally:
        mp.undo()


@pytest.fixture(scope="session")
def template_hub(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "hub.db"
    build_hub(path)
    return path


@pytest.fixture
def hub_db(template_hub: Path, tmp_path: Path) -> Path:
    """A fresh copy of the template hub, as `<tmp>/office/hub.db`."""
    path = tmp_path / "office" / "hub.db"
    path.parent.mkdir()
    copy_database(template_hub, path)
    return path


class Cli:
    """Runs the headless CLI in process against one database."""

    def __init__(self, db: Path, capsys: pytest.CaptureFixture[str]) -> None:
        self.db = db
        self._capsys = capsys

    def __call__(self, *args: str, user: str | None = None, db: Path | None = None,
                 env: dict[str, str | None] | None = None, stdin: str = "") -> Result:
        from main import main

        argv = ["--db", str(db or self.db)] + (["--user", user] if user else []) + list(args)
        self._capsys.readouterr()
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(sys, "stdin", io.StringIO(stdin))  # never a terminal
            for key, value in (env or {}).items():
                if value is None:
                    mp.delenv(key, raising=False)
                else:
                    mp.setenv(key, value)
            code = main(argv)
        out, err = self._capsys.readouterr()
        assert code is not None, "no command: main would open the desktop app"
        assert "Traceback" not in err and "something went wrong inside Closeloop" not in err, err
        if code:
            assert err.count("\n") == 1 and err.endswith("\n"), f"not one line on stderr: {err!r}"
        else:
            assert err == "", err
        return Result(code, out, err)

    def ok(self, *args: str, **kwargs: Any) -> Result:
        """Run and require exit code 0."""
        r = self(*args, **kwargs)
        assert r.code == 0, f"{args}: {r.err}"
        return r

    def json(self, *args: str, **kwargs: Any) -> Any:
        return self.ok(*args, "--json", **kwargs).json()


@pytest.fixture
def cli(hub_db: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Runs main.main(["--db", hub_db, ...]) and returns Result(code, out, err).

    It fails the test on a traceback or the crash sentence, and checks that a failure
    printed exactly one line on stderr and a success printed nothing there.
    """
    return Cli(hub_db, capsys)


@pytest.fixture
def state() -> Callable[[Path], tuple[list[str], list[str]]]:
    """db_state as a fixture: compare it before and after a refused command."""
    return db_state


@pytest.fixture
def copy_db() -> Callable[..., Path]:
    """tests._shared.db_copy.copy_database as a fixture: copy_db(source, target, *sql) -> target."""
    return copy_database


@pytest.fixture
def subproc() -> Callable[..., subprocess.CompletedProcess[str]]:
    """run_subprocess as a fixture (test modules never import conftest: tests/ui has one too)."""
    return run_subprocess


def run_subprocess(*args: str, db: Path | None = None, env: dict[str, str | None] | None = None,
                   stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python main.py [--db DB] ARGS` in the project root, stdin not a terminal."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("CLOSELOOP_")}
    environ.update(CLOSELOOP_LANG="en", CLOSELOOP_TODAY=TODAY, CLOSELOOP_PASSWORD=PASSWORD,
                   CLOSELOOP_NEW_PASSWORD=PASSWORD)
    for key, value in (env or {}).items():
        if value is None:
            environ.pop(key, None)
        else:
            environ[key] = value
    argv = [sys.executable, "main.py"] + (["--db", str(db)] if db else []) + list(args)
    return subprocess.run(argv, cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL if stdin is None else None, input=stdin)
