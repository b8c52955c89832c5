"""Forks: a unit's database copied aside and used again sends two histories under one device id.

The hub keeps the second bundle aside (docs/sync.md, "Import", step 2) and merges nothing of it.
"""
from __future__ import annotations

import sqlite3
from pathlib import Path


def _copy(src: Path, dst: Path) -> None:
    """A copy made with SQLite's backup, as a careful clerk (or a backup tool) would make it."""
    a, b = sqlite3.connect(src), sqlite3.connect(dst)
    try:
        a.backup(b)
    finally:
        a.close()
        b.close()


def test_a_copy_put_back_and_used_again_is_kept_aside_as_a_fork(loop, tmp_path):  # noqa: ANN001
    loop.add_task("城区污水管网改造", "TGZ")
    loop.add_task("老旧小区加装电梯", "TGZ")
    unit = loop.join("TGZ")
    saved = tmp_path / "saved.db"
    _copy(unit, saved)
    loop.cli.ok("claim", "2026-1/TGZ", "--on", "2026-11-27", db=unit)
    first = loop.take(loop.hub, loop.send(unit, "HUB"))
    assert first["status"] == "applied"
    _copy(saved, unit)  # the old copy put back in the same place: same binding, same device id
    loop.cli.ok("claim", "2026-2/TGZ", "--on", "2026-11-27", db=unit)
    second = loop.take(loop.hub, loop.send(unit, "HUB"))
    assert second["status"] == "fork", second
    assert "two different histories" in second["reason"]
    assert [a["state"] for a in loop.show(loop.hub, "2026-2/TGZ")["assignments"]] == ["assigned"]
    assert loop.show(loop.hub, "2026-1/TGZ")["assignments"][0]["state"] == "claimed"
    kept = loop.sql(loop.hub, "SELECT status FROM sync_bundle WHERE direction = 'in' ORDER BY id")
    assert kept[-1] == ("fork",)
