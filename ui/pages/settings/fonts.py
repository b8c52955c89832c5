"""Settings → fonts: which file prints each role (仿宋, 小标宋, 黑体, 楷体, 宋体), and choosing another.

Contract: `FontsSection(ctx, parent)` loads `core.reports.fonts.font_choices` through
`ctx.query` and emits `loaded`; each role shows its family, where it came from
(chosen / system / shipped), whether it stands in for the role's own face, and the
file. "Choose…" asks for a file through `choose_font_file` (replaceable in tests)
and saves it with `set_font_choice` through `ctx.write`; "Automatic" clears the
choice. A refusal (a CFF or non-embeddable or missing file) shows in red in the
section and is emitted as `refused(str)`; a save emits `saved(role)` and reloads.
Viewers see the choices but cannot change them. Threading: GUI thread only.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from core.i18n import _
from core.reports import fonts
from ui import file_dialogs
from ui.pages.directory.form import alive, error_label
from ui.pages.settings.common import say, show_failure
from ui.shell.context import AppContext


def choose_font_file(parent: QWidget, start: str) -> str | None:
    """Ask for a font file (replaced in tests); None when the clerk cancels."""
    path = file_dialogs.open_file(parent, _("Choose a font file"), start,
                                  _("TrueType fonts (*.ttf *.ttc *.TTF *.TTC);;All files (*)"))
    return path or None


def source_text(choice: fonts.FontChoice) -> str:
    sources = {"user": _("chosen file"), "system": _("system font"), "shipped": _("shipped with Closeloop")}
    text = sources[choice.source]
    if choice.substituted:
        text = _("{source}, standing in for this role").format(source=text)
    return text


ZERO_WIDTH_SPACE = "\u200b"


def wrappable_path(path: str) -> str:
    """`path` with a line-break opportunity after each folder separator (a zero-width space), so a long
    path wraps in its column instead of widening the page past the window (995×617)."""
    for sep in ("/", "\\"):
        path = path.replace(sep, sep + ZERO_WIDTH_SPACE)
    return path


class FontsSection(QWidget):
    """Fonts (see the module contract)."""

    loaded = Signal()
    saved = Signal(str)
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.choices: dict[str, fonts.FontChoice] = {}
        self.family: dict[str, QLabel] = {}
        self.file: dict[str, QLabel] = {}
        self.choose_buttons: dict[str, QPushButton] = {}
        self.auto_buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for col, head in enumerate((_("Role"), _("Font"), _("File"))):
            grid.addWidget(QLabel(f"<b>{head}</b>"), 0, col)
        for row, role in enumerate(fonts.ROLES, start=1):
            name = _(fonts.ROLE_NAMES[role])
            family = QLabel()
            family.setWordWrap(True)  # "Closeloop Serif SC (shipped with Closeloop, standing in for this role)"
            family.setAccessibleName(_("Font for {role}").format(role=name))
            file = QLabel()
            file.setAccessibleName(_("File for {role}").format(role=name))
            file.setWordWrap(True)
            choose = QPushButton(_("Choose…"))
            choose.setAccessibleName(_("Choose the file for {role}").format(role=name))
            choose.clicked.connect(lambda _c=False, r=role: self.choose(r))
            auto = QPushButton(_("Automatic"))
            auto.setAccessibleName(_("Automatic font for {role}").format(role=name))
            auto.clicked.connect(lambda _c=False, r=role: self.reset(r))
            for w in (choose, auto):
                w.setVisible(ctx.can_write)
            self.family[role], self.file[role] = family, file
            self.choose_buttons[role], self.auto_buttons[role] = choose, auto
            grid.addWidget(QLabel(name), row, 0)
            grid.addWidget(family, row, 1)
            grid.addWidget(file, row, 2)
            grid.addWidget(choose, row, 3)
            grid.addWidget(auto, row, 4)
        grid.setColumnStretch(2, 1)
        self.message = error_label(_("Message"))
        note = QLabel(_("Printed documents use the file shown for each role: the one chosen here, else the "
                        "system's font, else a font shipped with Closeloop. Only TrueType fonts that allow "
                        "embedding can be used; the PDF carries the characters it needs, so it prints the "
                        "same on any computer."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.message)
        layout.addWidget(note)
        layout.addStretch(1)
        self.reload()

    def reload(self) -> None:
        self.ctx.query(fonts.font_choices, alive(self, self._loaded))

    def _loaded(self, choices: dict[str, fonts.FontChoice]) -> None:
        self.choices = choices
        for role, choice in choices.items():
            self.family[role].setText(f"{choice.family} ({source_text(choice)})")
            index = f" #{choice.subfont_index}" if choice.subfont_index else ""
            self.file[role].setText(wrappable_path(f"{choice.path}{index}"))
            self.file[role].setToolTip(f"{choice.path}{index}")
            self.auto_buttons[role].setEnabled(choice.source == "user")
        self.loaded.emit()

    def choose(self, role: str) -> None:
        current = self.choices.get(role)
        path = choose_font_file(self, str(current.path.parent) if current else "")
        if path:
            self._save(role, path)

    def reset(self, role: str) -> None:
        self._save(role, None)

    def _save(self, role: str, path: str | None) -> None:
        def done(_result: Any) -> None:
            say(self.message, _("Font saved."))
            self.saved.emit(role)
            self.reload()
        self.ctx.write(lambda s: fonts.set_font_choice(s, role, path), alive(self, done), alive(self, self._failed))

    def _failed(self, exc: Exception) -> None:
        show_failure(self.message, exc, self.refused)
