"""Any interleaving of work at the hub and three units, carried in any order, converges (issue 12).

Hypothesis draws a sequence of steps: a unit claims or reports on one of its own
assignments, the hub urges one or records a claim on a unit's behalf, an office
writes a bundle for another, a bundle on the stick is imported somewhere (again,
out of order, or never: a lost stick). Then every office exchanges with the hub
until nothing new moves. At the end each office holds exactly the rows it should
see: the hub every unit's records, each unit every record of its own assignments
whoever made it, and every status equal to the hub's.
"""
from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from conftest import Loop
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

UNITS = ("TGZ", "XYJ", "FGJ")
TASKS = (("城区污水管网改造", "TGZ", ("FGJ",)), ("农村道路硬化", "XYJ", ("TGZ",)), ("项目审批提速", "FGJ", ()))
REFS = {"TGZ": ["2026-1/TGZ", "2026-2/TGZ"], "XYJ": ["2026-2/XYJ"], "FGJ": ["2026-1/FGJ", "2026-3/FGJ"]}

step = st.one_of(
    st.tuples(st.just("claim"), st.sampled_from(UNITS), st.integers(0, 1)),
    st.tuples(st.just("report"), st.sampled_from(UNITS), st.integers(0, 1)),
    st.tuples(st.just("urge"), st.sampled_from(UNITS), st.integers(0, 1)),
    st.tuples(st.just("proxy"), st.sampled_from(UNITS), st.integers(0, 1)),
    st.tuples(st.just("send"), st.sampled_from(UNITS), st.booleans()),
    st.tuples(st.just("deliver"), st.integers(0, 20), st.booleans()),
)


class World:
    """A hub copied from the template, three units enrolled, and a stick of bundles in flight."""

    def __init__(self, template: Path, cli_factory) -> None:  # noqa: ANN001
        self.root = Path(tempfile.mkdtemp(prefix="sync-prop-"))
        hub = self.root / "hub" / "office.db"
        hub.parent.mkdir()
        from tests._shared.db_copy import copy_database

        copy_database(template, hub)
        self.loop = Loop(cli_factory(hub), self.root)
        for title, lead, co in TASKS:
            self.loop.add_task(title, lead, *co)
        self.db = {"HUB": hub}
        for unit in UNITS:
            self.db[unit] = self.loop.join(unit)
        for unit in UNITS:  # the hub learns each unit's key
            self.loop.take(hub, self.loop.send(self.db[unit], "HUB"))
        self.flight: list[tuple[str, Path]] = []

    def ok(self, *args: str, db: Path) -> None:
        self.loop.cli(*args, db=db)  # a refused step (e.g. report before claim) is part of the game

    def do(self, action: str, a: object, b: object) -> None:
        if action in ("claim", "report"):
            unit, ref = a, REFS[a][b % len(REFS[a])]
            extra = ["--text", "进展"] if action == "report" else []
            self.ok(action, ref, "--on", "2026-11-27", *extra, db=self.db[unit])
        elif action in ("urge", "proxy"):
            ref = REFS[a][b % len(REFS[a])]
            if action == "urge":
                self.ok("urge", ref, "--on", "2026-11-27", "--text", "请加快", db=self.db["HUB"])
            else:
                self.ok("claim", ref, "--on", "2026-11-26", db=self.db["HUB"])
        elif action == "send":
            sender, to = (a, "HUB") if b else ("HUB", a)
            data = self.loop.cli.json("bundle", "export", "--to", to, "--out", str(self.loop.stick),
                                      db=self.db[sender])
            self.flight += [(to, Path(w["file"])) for w in data["written"]]
        elif action == "deliver" and self.flight:
            to, file = self.flight[a % len(self.flight)]
            self.loop.cli.json("bundle", "import", str(file), db=self.db[to])
            if b:
                self.flight.remove((to, file))

    def settle(self) -> None:
        for _round in range(3):
            for unit in UNITS:
                self.loop.take(self.db["HUB"], self.loop.send(self.db[unit], "HUB"))
            for unit in UNITS:
                self.loop.take(self.db[unit], self.loop.send(self.db["HUB"], unit))

    def events(self, office: str, unit: str | None = None) -> set[tuple]:
        where = "" if unit is None else "WHERE u.code = ?"
        return set(self.loop.sql(self.db[office], f"SELECT e.uuid, e.kind, e.owner, a.uuid FROM event e JOIN assignment a "
                                 f"ON a.id = e.assignment_id JOIN unit u ON u.id = a.unit_id {where}",
                                 *([unit] if unit else [])))

    def statuses(self, office: str, unit: str) -> set[tuple]:
        return set(self.loop.sql(self.db[office], "SELECT a.uuid, s.state, s.claimed_on, s.due FROM assignment_status s "
                                 "JOIN assignment a ON a.id = s.assignment_id JOIN unit u ON u.id = a.unit_id "
                                 "WHERE u.code = ?", unit))


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=4, max_size=14))
def test_any_interleaving_converges(template_hub, cli, capsys, steps):  # noqa: ANN001
    world = World(template_hub, lambda db: type(cli)(db, capsys))  # tests/core/conftest.py's CLI runner
    try:
        for action, a, b in steps:
            world.do(action, a, b)
        world.settle()
        for unit in UNITS:
            assert world.events(unit, unit) == world.events("HUB", unit), unit
            assert world.statuses(unit, unit) == world.statuses("HUB", unit), unit
            others = {u for u in UNITS if u != unit}
            assert all(not world.events(unit, o) for o in others), "a unit holds another unit's records"
    finally:
        shutil.rmtree(world.root, ignore_errors=True)
