"""Settings → fonts and → printed materials, driven as a hub clerk would.

Font discovery looks only at resources/fonts here (no system fonts), so the
sections show the same on any machine.
"""
from __future__ import annotations

import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest
from _directory_settings_helpers import hub_fixtures, read, type_text
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton

from core.reports import fonts
from ui.pages.settings import fonts as settings_fonts
from ui.pages.settings.fonts import FontsSection
from ui.pages.settings.page import SECTIONS, SettingsPage
from ui.pages.settings.printing import PrintingSection
from ui.shell.context import AppContext

BOLD = fonts.SHIPPED_DIR / fonts.SHIPPED_SERIF_BOLD


@pytest.fixture(autouse=True)
def _shipped_fonts_only() -> Iterator[None]:
    fonts.set_search(fonts.FontSearch(windows_dirs=(), fc_list=None, shipped_dir=fonts.SHIPPED_DIR))
    yield
    fonts.set_search(fonts.FontSearch())


template, hub, make_ctx = hub_fixtures("fonts")


def _open(qtbot, cls, ctx: AppContext):  # noqa: ANN001, ANN202
    section = cls(ctx)
    qtbot.addWidget(section)
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        pass
    section.resize(900, 420)
    section.show()
    return section


def _named(widget, cls, name: str):  # noqa: ANN001, ANN202
    found = [w for w in widget.findChildren(cls) if w.accessibleName() == name]
    assert len(found) == 1, name
    return found[0]


def _cff(path: Path) -> Path:
    tables = [b"CFF ", b"OS/2", b"head"]
    header = b"OTTO" + struct.pack(">HHHH", len(tables), 32, 1, 16)
    path.write_bytes(header + b"".join(struct.pack(">4sIII", t, 0, 60, 0) for t in tables) + b"\0" * 64)
    return path


def test_settings_page_lists_the_new_sections(qtbot, make_ctx) -> None:  # noqa: ANN001
    keys = [k for k, _t in SECTIONS]
    assert "fonts" in keys and "printing" in keys
    ctx = make_ctx("clerk")
    with qtbot.waitSignal(ctx.worker.idle, timeout=10_000):
        page = SettingsPage(ctx)
    qtbot.addWidget(page)
    page.activate({"section": "fonts"})
    assert isinstance(page.stack.currentWidget(), FontsSection)
    page.activate({"section": "printing"})
    assert isinstance(page.stack.currentWidget(), PrintingSection)


def test_fonts_section_shows_each_role_and_refuses_a_cff_file(qtbot, make_ctx, hub: Path, tmp_path: Path,
                                                              monkeypatch) -> None:  # noqa: ANN001
    section = _open(qtbot, FontsSection, make_ctx("clerk"))
    for role in fonts.ROLES:
        name = fonts.ROLE_NAMES[role]
        from core.i18n import _

        assert "Closeloop" in _named(section, QLabel, _("Font for {role}").format(role=_(name))).text() \
            or "wqy" in _named(section, QLabel, _("File for {role}").format(role=_(name))).text()
    assert section.file["heiti"].text().endswith("wqy-microhei.ttc")
    assert section.file["xiaobiaosong"].text().endswith("closeloop-serif-sc-bold.ttf")
    assert section.file["kaiti"].text().endswith("closeloop-kai-sc.ttf")
    section.grab().save(str(tmp_path / "fonts_section.png"))

    monkeypatch.setattr(settings_fonts, "choose_font_file", lambda parent, start: str(_cff(tmp_path / "noto.otf")))
    with qtbot.waitSignal(section.refused, timeout=10_000) as refused:
        section.choose_buttons["fangsong"].click()
    assert "PostScript" in refused.args[0] or "CFF" in refused.args[0]
    assert section.message.isVisible() and section.message.text() == refused.args[0]
    assert read(hub, "SELECT value FROM setting WHERE key = 'font_fangsong'") == []

    mine = tmp_path / "simfang-copy.ttf"
    shutil.copy(BOLD, mine)
    monkeypatch.setattr(settings_fonts, "choose_font_file", lambda parent, start: str(mine))
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.choose_buttons["fangsong"].click()
    assert read(hub, "SELECT value FROM setting WHERE key = 'font_fangsong'") == [(f"{mine.resolve()}|0",)]
    assert section.choices["fangsong"].source == "user"
    assert section.file["fangsong"].text().replace("\u200b", "") == str(mine.resolve())  # wraps after each /
    assert section.auto_buttons["fangsong"].isEnabled()
    with qtbot.waitSignal(section.loaded, timeout=10_000):
        section.auto_buttons["fangsong"].click()
    assert section.choices["fangsong"].source == "shipped"
    assert read(hub, "SELECT action FROM audit WHERE action = 'font_choice'") == [("font_choice",)] * 2


def test_viewer_sees_fonts_but_cannot_choose(qtbot, make_ctx) -> None:  # noqa: ANN001
    section = _open(qtbot, FontsSection, make_ctx("viewer"))
    assert section.family["heiti"].text()
    assert not any(b.isVisible() for b in section.choose_buttons.values())


def test_printing_section_saves_and_refuses(qtbot, make_ctx, hub: Path, tmp_path: Path) -> None:  # noqa: ANN001
    from core.i18n import _

    section = _open(qtbot, PrintingSection, make_ctx("clerk"))
    office = _named(section, QLineEdit, _("Issuing office"))
    assert office.text()                                      # defaults to this office's name
    prefix = _named(section, QLineEdit, _("Document-number prefix"))
    type_text(qtbot, prefix, "卫督")
    assert _named(section, QLabel, _("Example document number")).text() == f"卫督〔{section.ctx.today().year}〕12号"
    type_text(qtbot, _named(section, QLineEdit, _("Contact person")), "张喆")
    phone = _named(section, QLineEdit, _("Contact phone"))
    type_text(qtbot, phone, "call me")
    with qtbot.waitSignal(section.refused, timeout=10_000):
        section.save_button.click()
    assert read(hub, "SELECT value FROM setting WHERE key = 'print_prefix'") == []
    type_text(qtbot, phone, "0371-1234567")
    type_text(qtbot, _named(section, QLineEdit, _("Copy to")), "县委、县政府领导")
    with qtbot.waitSignal(section.saved, timeout=10_000):
        section.save_button.click()
    stored = dict(read(hub, "SELECT key, value FROM setting WHERE key LIKE 'print_%'"))
    assert stored["print_prefix"] == "卫督" and stored["print_contact"] == "张喆"
    assert stored["print_phone"] == "0371-1234567" and stored["print_copy_to"] == "县委、县政府领导"
    section.grab().save(str(tmp_path / "printing_section.png"))
    assert isinstance(section.save_button, QPushButton)
