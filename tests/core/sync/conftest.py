"""Fixtures for the sync tests: a hub with tasks, units enrolled from it, a stick between them.

`loop` (a `Loop`) drives the CLI as the clerks of two or more offices would:
`enroll(C)` writes the enrollment file of unit C on the stick and returns it with
its code; `join(C)` makes unit C's database from it (`init --from-enrollment`);
`send(db, to)` writes a bundle from `db` for office `to` on the stick and returns
its path; `take(db, file)` imports it. Every office's database lives in its own
folder under tmp_path, as on separate computers.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

TASK_DAY = "2026-11-26"


class Loop:
    def __init__(self, cli, tmp_path: Path) -> None:  # noqa: ANN001
        self.cli = cli
        self.hub = cli.db
        self.stick = tmp_path / "stick"
        self.stick.mkdir()
        self.tmp = tmp_path
        self.units: dict[str, Path] = {}

    def add_task(self, title: str, lead: str, *co: str, day: str = TASK_DAY) -> None:
        args = ["task", "add", "--title", title, "--category", "general", "--date", day, "--lead", lead]
        if co:
            args += ["--co", ",".join(co)]
        self.cli.ok(*args)

    def enroll(self, unit: str) -> tuple[Path, str]:
        data = self.cli.json("enroll", "export", "--unit", unit, "--out", str(self.stick))
        return Path(data["file"]), data["code"]

    def join(self, unit: str, file: Path | None = None, code: str | None = None) -> Path:
        if file is None:
            file, code = self.enroll(unit)
        db = self.tmp / f"unit-{unit}" / "office.db"
        db.parent.mkdir(exist_ok=True)
        self.cli.ok("init", "--from-enrollment", str(file), "--admin", "admin", db=db,
                    env={"CLOSELOOP_ENROLL_CODE": code})
        self.units[unit] = db
        return db

    def send(self, db: Path, to: str, *extra: str) -> Path:
        data = self.cli.json("bundle", "export", "--to", to, "--out", str(self.stick), *extra, db=db)
        assert len(data["written"]) == 1, data
        return Path(data["written"][0]["file"])

    def take(self, db: Path, file: Path, *extra: str) -> dict:
        return self.cli.json("bundle", "import", str(file), *extra, db=db)

    def sql(self, db: Path, query: str, *args: object) -> list[tuple]:
        import sqlite3

        conn = sqlite3.connect(db, isolation_level=None)  # autocommit: an UPDATE here is kept
        try:
            return conn.execute(query, args).fetchall()
        finally:
            conn.close()

    def show(self, db: Path, ref: str) -> dict:
        return self.cli.json("task", "show", ref, db=db)


@pytest.fixture
def loop(cli, tmp_path: Path) -> Loop:  # noqa: ANN001
    return Loop(cli, tmp_path)


def dump(path: Path) -> str:
    """The whole database as SQL text, for 'unchanged' comparisons."""
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


__all__ = ["Loop", "dump", "json"]
