"""Settings → holiday calendar: a year's rest days and make-up working days, and the notice import.

Contract: `CalendarSection(ctx, parent)` shows the year chosen in `year` (today's
year at first) through `ctx.query` (`core.office_settings.holiday_year`), emitting
`loaded` each time. The clerk pastes the State Council notice into `notice`;
"Preview" parses it on the GUI thread (`parse_notice`, pure and fast), then asks
the worker for the days it would change (`settings_ops.preview_notice`) and
shows `describe()`'s lines followed by that diff (stored → new, and the days kept
from amendments), emitting `previewed`; or the sentence of the refusal in red.
"Save" — enabled only for the previewed text, for a clerk or administrator of
the hub — asks for confirmation (`confirm_import`, replaced in tests), then runs
`core.office_settings.import_notice` on the worker with the diff that was shown
(save + recompute, one transaction, audited with the changed days; refused if
the calendar moved since), then shows that year; `imported(year)` is emitted, or
`refused(sentence)`. Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from core import office_settings as settings_ops
from core.errors import ClerkError
from core.format import day_and_weekday, number
from core.i18n import _, ngettext
from core.office import Changes
from core.rules.calendar import NoticePlan, NoticePreview, parse_notice
from ui.pages.directory.form import ERROR_COLOR, alive, error_label
from ui.pages.settings.common import say, show_failure
from ui.shell.context import AppContext

FIRST_YEAR, LAST_YEAR = 2004, 2100


def day_text(d: dt.date, year: int) -> str:
    """A day of the year shown (1月1日周四), with its year when it lies in another (2011年12月31日周六)."""
    return day_and_weekday(d, year)


def confirm_import(parent: QWidget, text: str) -> bool:
    """Ask before saving a notice's days (replaced in tests)."""
    answer = QMessageBox.question(parent, _("Import the holiday notice"), text,
                                  QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Save


def years_text(years: list[int]) -> str:
    """2004–2026, 2028 — the years as runs."""
    runs: list[list[int]] = []
    for y in years:
        if runs and y == runs[-1][1] + 1:
            runs[-1][1] = y
        else:
            runs.append([y, y])
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


class CalendarSection(QWidget):
    """The holiday calendar (see the module contract)."""

    loaded = Signal()
    imported = Signal(int)
    previewed = Signal()
    refused = Signal(str)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.may_write = ctx.hub_may_write
        self.known_years: list[int] = []
        self.shown: settings_ops.HolidayYear | None = None
        self.preview: NoticePreview | None = None
        self.plan: NoticePlan | None = None
        self._previewed_text = ""

        self.year = QSpinBox()
        self.year.setRange(FIRST_YEAR, LAST_YEAR)
        self.year.setValue(ctx.today().year)
        self.year.setAccessibleName(_("Year"))
        self.year.valueChanged.connect(self.reload)
        year_label = QLabel(_("&Year:"))
        year_label.setBuddy(self.year)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.status.setAccessibleName(_("Year status"))
        self.known = QLabel()
        self.known.setWordWrap(True)
        self.rest = QListWidget()
        self.rest.setAccessibleName(_("Rest days"))
        self.work = QListWidget()
        self.work.setAccessibleName(_("Make-up working days"))
        self.rest_title, self.work_title = QLabel(), QLabel()
        top = QHBoxLayout()
        top.addWidget(year_label)
        top.addWidget(self.year)
        top.addWidget(self.status, 1)
        lists = QGridLayout()
        lists.addWidget(self.rest_title, 0, 0)
        lists.addWidget(self.work_title, 0, 1)
        lists.addWidget(self.rest, 1, 0)
        lists.addWidget(self.work, 1, 1)

        heading = QLabel(_("<b>Import the State Council notice</b>"))
        how = QLabel(_("Paste the whole text of 国务院办公厅关于20XX年部分节假日安排的通知, with its title and "
                       "numbered items, then check the preview and save. The deadlines of the items it "
                       "concerns are recomputed."))
        how.setWordWrap(True)
        self.notice = QPlainTextEdit()
        self.notice.setAccessibleName(_("Notice text"))
        self.notice.setPlaceholderText(_("国务院办公厅关于2027年部分节假日安排的通知\n一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n…"))
        self.notice.setTabChangesFocus(True)
        self.notice.textChanged.connect(self._notice_changed)
        self.preview_button = QPushButton(_("&Preview"))
        self.preview_button.clicked.connect(self.show_preview)
        self.save_button = QPushButton(_("&Save this arrangement"))
        self.save_button.clicked.connect(self.save)
        self.preview_view = QPlainTextEdit()
        self.preview_view.setReadOnly(True)
        self.preview_view.setAccessibleName(_("Preview"))
        self.message = error_label(_("Message"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.preview_button)
        buttons.addWidget(self.save_button)
        buttons.addStretch(1)
        paste = QGridLayout()
        paste.addWidget(self.notice, 0, 0)
        paste.addWidget(self.preview_view, 0, 1)
        paste.addLayout(buttons, 1, 0, 1, 2)
        paste.addWidget(self.message, 2, 0, 1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.known)
        layout.addLayout(lists, 2)
        layout.addWidget(heading)
        layout.addWidget(how)
        layout.addLayout(paste, 2)
        for w in (heading, how, self.notice, self.preview_button, self.save_button, self.preview_view,
                  self.message):
            w.setVisible(self.may_write)
        self.save_button.setEnabled(False)
        ctx.changed.connect(self._on_changed)
        self.reload()

    # ----- the year shown ---------------------------------------------------------------

    def reload(self) -> None:
        year = self.year.value()
        self.ctx.query(lambda db: (settings_ops.holiday_years(db), settings_ops.holiday_year(db, year)),
                       alive(self, self._loaded))

    def _loaded(self, result: tuple[list[int], settings_ops.HolidayYear]) -> None:
        self.known_years, shown = result
        if shown.year != self.year.value():
            return  # a later request is on its way
        self.shown = shown
        if shown.imported:
            self.status.setText(_("The State Council arrangement for {year} is in the calendar ({source}).")
                                .format(year=shown.year, source=shown.source))
            self.status.setStyleSheet("")
        else:
            self.status.setText(_("The holiday arrangements for {year} are not imported; deadlines that year "
                                  "count weekends only.").format(year=shown.year))
            self.status.setStyleSheet(f"color: {ERROR_COLOR};")
        self.known.setText(_("Years in the calendar: {years}.").format(years=years_text(self.known_years))
                           if self.known_years else _("No year is in the calendar yet."))
        for view, days in ((self.rest, shown.rest_days), (self.work, shown.work_days)):
            view.clear()
            view.addItems([f"{day_text(d.date, shown.year)}  {d.name}" for d in days])
        n_rest, n_work = len(shown.rest_days), len(shown.work_days)
        self.rest_title.setText(ngettext("{n} rest day", "{n} rest days", n_rest).format(n=n_rest))
        self.work_title.setText(ngettext("{n} make-up working day", "{n} make-up working days", n_work)
                                .format(n=n_work))
        self.loaded.emit()

    def _on_changed(self, changes: Changes) -> None:
        if changes.calendar:
            self.reload()

    # ----- the notice -------------------------------------------------------------------

    def _notice_changed(self) -> None:
        if self.notice.toPlainText() != self._previewed_text:
            self.save_button.setEnabled(False)

    def show_preview(self) -> None:
        text = self.notice.toPlainText()
        self.preview = self.plan = None
        self._previewed_text = text
        self.save_button.setEnabled(False)
        try:
            preview = parse_notice(text)
        except ClerkError as err:
            self._refuse(err)
            return
        self.preview_view.setPlainText("\n".join(preview.describe()))
        self.message.setVisible(False)
        self.ctx.query(lambda db: settings_ops.preview_notice(db, preview),
                       alive(self, lambda plan: self._planned(text, plan)), alive(self, self._plan_failed))

    def _planned(self, text: str, plan: NoticePlan) -> None:
        if text != self._previewed_text:
            return  # a later preview is on its way
        lines = plan.preview.describe() + [""] + plan.describe()
        self.preview_view.setPlainText("\n".join(lines))
        self.preview, self.plan = plan.preview, plan
        self.save_button.setEnabled(self.notice.toPlainText() == text)
        self.previewed.emit()

    def _plan_failed(self, exc: Exception) -> None:
        if isinstance(exc, ClerkError):
            self._refuse(exc)
        else:
            show_failure(self.message, exc, self.refused)

    def _refuse(self, err: ClerkError) -> None:
        self.preview_view.setPlainText("")
        self._say(str(err), error=True)
        self.refused.emit(str(err))

    def save(self) -> None:
        preview, plan = self.preview, self.plan
        if preview is None or plan is None or self.notice.toPlainText() != self._previewed_text:
            return
        question = "\n".join([_("Save these days into the calendar?"), ""] + plan.describe())
        if not confirm_import(self, question):
            return
        source = _("{title} (pasted)").format(title=preview.title)
        expected = plan.changes
        self.save_button.setEnabled(False)
        self.ctx.write(lambda s: settings_ops.import_notice(s, preview, source, expected),
                       alive(self, self._saved), alive(self, self._failed), changes=Changes(calendar=True))

    def _saved(self, result: settings_ops.NoticeImport) -> None:
        saved = ngettext("{year}: {n} days saved.", "{year}: {n} days saved.", result.written).format(
            year=result.year, n=number(result.written))
        moved = ngettext("The deadlines of {m} assignment were recomputed.",
                         "The deadlines of {m} assignments were recomputed.", result.recomputed).format(
            m=number(result.recomputed))
        self._say(f"{saved} {moved}")
        self.preview = self.plan = None
        self.year.setValue(result.year)  # reloads (once more if ctx.changed already asked)
        self.imported.emit(result.year)

    def _failed(self, exc: Exception) -> None:
        self.save_button.setEnabled(self.preview is not None)
        show_failure(self.message, exc, self.refused)

    def _say(self, text: str, *, error: bool = False) -> None:
        say(self.message, text, error=error)
