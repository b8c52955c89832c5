"""The printing fonts are read once, in the background, before the session's first document (issue 15)."""
from __future__ import annotations

import threading
from pathlib import Path

import pytest

from core.reports import font_warmup, fonts


def test_warm_fonts_registers_every_face_once_on_its_own_thread(hub_db: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(font_warmup, "_thread", None)
    monkeypatch.setattr(fonts, "_registered", {})
    monkeypatch.setattr(fonts, "_weights", {})
    seen: list[str] = []
    real = fonts.register_fonts

    def spy(db):  # noqa: ANN001, ANN202
        seen.append(threading.current_thread().name)
        return real(db)

    monkeypatch.setattr(fonts, "register_fonts", spy)
    thread = font_warmup.warm_fonts(hub_db)
    assert thread is not None and thread.daemon
    assert font_warmup.wait_warm(120) and not font_warmup.warming()
    assert seen == ["closeloop-fonts"]
    names = set(fonts._registered.values())
    assert names, "nothing was registered"
    assert font_warmup.warm_fonts(hub_db) is None           # once per process
    # the document's own registration finds them all: nothing new is parsed
    real(None)
    assert set(fonts._registered.values()) == names


def test_a_failure_is_logged_not_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(font_warmup, "_thread", None)
    with caplog.at_level("WARNING", logger="core.reports.font_warmup"):
        font_warmup.warm_fonts(tmp_path)                   # a folder, not a database
        assert font_warmup.wait_warm(60)
    assert "warming the printing fonts failed" in caplog.text
