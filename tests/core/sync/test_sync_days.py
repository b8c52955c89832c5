"""The days a clerk reads beside bundles follow the office's today (CLOSELOOP_TODAY), not the wall clock.

"Received up to", the outbox's "written" and the hub's "not synced for 7 days" list
all come from `sync_bundle.at`; before the fix that was the computer's UTC time,
so a demo or test day (and, in China, the hours before 08:00) gave the wrong day.
"""
from __future__ import annotations

import datetime as dt

from core.format import medium_date
from core.office import open_session
from core.sync.status import STALE_DAYS, unit_contact

REF = "2026-1/TGZ"


def _a_day_off_the_wall() -> dt.date:
    """A day after the tasks' days that is neither the local nor the UTC date of the computer."""
    wall = {dt.date.today(), dt.datetime.now(dt.UTC).date()}
    return next(d for d in (dt.date(2026, 11, 28) + dt.timedelta(days=i) for i in range(4)) if d not in wall)


def test_received_up_to_and_the_outbox_give_the_office_day(loop, monkeypatch) -> None:  # noqa: ANN001
    day = _a_day_off_the_wall()
    monkeypatch.setenv("CLOSELOOP_TODAY", day.isoformat())
    loop.add_task("城区污水管网改造", "TGZ", day="2026-11-27")
    unit = loop.join("TGZ")
    loop.cli.ok("claim", REF, "--on", day.isoformat(), db=unit)
    loop.take(loop.hub, loop.send(unit, "HUB"))
    loop.enroll("FGJ")  # another unit enrolled: its office row reaches TGZ
    loop.take(unit, loop.send(loop.hub, "TGZ"))
    status = loop.cli.json("sync", "status", db=unit)
    assert not [line for line in status["lines"] if "is enrolled, but" in line]  # only the hub waits for keys
    assert [o["at"][:10] for o in status["outbox"]] == [day.isoformat()]
    assert f"示例县委督查室 has received your records up to {medium_date(day)}." in status["lines"]
    at_hub = loop.cli.json("sync", "status", db=loop.hub)
    assert {o["at"][:10] for o in at_hub["outbox"]} == {day.isoformat()}  # the enrollment and the bundle


def test_units_not_heard_from_for_seven_days_are_stale(loop, monkeypatch) -> None:  # noqa: ANN001
    day = dt.date(2026, 11, 27)
    loop.add_task("城区污水管网改造", "TGZ")
    unit = loop.join("TGZ")
    loop.enroll("FGJ")  # enrolled, never heard from
    loop.take(loop.hub, loop.send(unit, "HUB"))

    def contact(today: dt.date) -> dict:
        s = open_session(loop.hub, "admin", "test-pass", today=today)
        try:
            return {c.code: c for c in unit_contact(s)}
        finally:
            s.db.conn.close()

    soon = contact(day + dt.timedelta(days=STALE_DAYS - 1))
    assert soon["TGZ"].last_received == day and soon["TGZ"].days == 6 and not soon["TGZ"].stale
    assert soon["TGZ"].key_known
    assert soon["FGJ"].last_received is None and soon["FGJ"].stale and not soon["FGJ"].key_known
    late = contact(day + dt.timedelta(days=8))
    assert late["TGZ"].days == 8 and late["TGZ"].stale
