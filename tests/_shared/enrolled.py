"""A unit office made the way a township's clerk makes it: enrolled from a hub (no Qt here).

Contract: `enrolled_unit(hub, unit_code, target, *, password, hub_password, today)`
copies nothing from the hub by hand: it signs in to the hub database `hub` as
`admin` (with `hub_password`), writes the unit's enrollment file
(`core.sync.enroll.enroll_export`) into a folder beside `target`, and builds the
unit's database at `target` from it (`init_from_enrollment`, administrator
`admin` with `password`), as `init --from-enrollment` does. The hub keeps the
enrollment (a real change to `hub`: pass a copy). Returns `target`.
Used by the unit desk's GUI tests, the screenshots and the UI benchmark.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path


def enrolled_unit(hub: Path, unit_code: str, target: Path, *, password: str, hub_password: str,
                  today: dt.date | None = None) -> Path:
    """Enroll `unit_code` at `hub` and join it at `target` (see the module contract)."""
    from core.office import open_session
    from core.sync.enroll import enroll_export, init_from_enrollment

    stick = target.parent / f"stick-{unit_code}"
    stick.mkdir(parents=True, exist_ok=True)
    session = open_session(hub, "admin", hub_password, today=today)
    try:
        enrollment = enroll_export(session, unit_code, stick)
    finally:
        session.db.conn.close()
    unit, _fingerprint = init_from_enrollment(target, enrollment.path, admin="admin", password=password,
                                              code=enrollment.code, today=today)
    unit.db.conn.close()
    return target
