"""Reading an enrollment file before joining (issue 13, the first-run window's "join"): what the clerk compares.

`peek_enrollment` reads the unit, the county office, its fingerprint and the expiry with the code,
writes nothing, and refuses as `init --from-enrollment` does; the CLI's refusals say what to do next.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.errors import Refusal
from core.sync.enroll import peek_enrollment


def test_peek_shows_the_unit_the_hub_and_its_fingerprint_and_writes_nothing(loop):
    loop.add_task("城区污水管网改造", "TGZ")
    file, code = loop.enroll("TGZ")
    before = sorted(p.name for p in file.parent.iterdir())
    preview = peek_enrollment(file, code.lower(), dt.date(2026, 11, 27))
    assert (preview.unit_code, preview.unit_name) == ("TGZ", "太公镇")
    assert preview.hub_name == "示例县委督查室" and preview.hub_code
    assert preview.fingerprint == loop.cli.json("keys", "show")["fingerprint"]
    assert preview.expires_on == dt.date(2026, 12, 27)
    assert sorted(p.name for p in file.parent.iterdir()) == before  # no .used mark: nothing was joined


def test_peek_refuses_a_wrong_code_and_an_expired_file(loop):
    file, code = loop.enroll("TGZ")
    with pytest.raises(Refusal, match="Retype the code from the printed enrollment sheet"):
        peek_enrollment(file, "AAAA-BBBB-CCCC-DDDD-EEEE", dt.date(2026, 11, 27))
    with pytest.raises(Refusal, match="expired on 2026-12-27"):
        peek_enrollment(file, code, dt.date(2026, 12, 28))


def test_init_refuses_a_file_that_is_not_an_enrollment_file_saying_which_to_choose(loop, tmp_path: Path):
    junk = loop.stick / "notes.closeloop"
    junk.write_bytes(b"just some text\n" * 20)
    db = tmp_path / "unit" / "office.db"
    r = loop.cli("init", "--from-enrollment", str(junk), "--admin", "admin", db=db,
                 env={"CLOSELOOP_ENROLL_CODE": "AAAA-BBBB-CCCC-DDDD-EEEE"})
    assert r.code == 1 and "notes.closeloop" in r.err and "not an enrollment file" in r.err
    assert "Choose the enrollment file that the county office wrote" in r.err and not db.exists()
