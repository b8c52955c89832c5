"""The one date field of the app: the text as typed, the date it means in words, a calendar button.

Contract: `DateField(value, accessible, minimum=, maximum=, optional=, compact=)`
is a line edit that keeps exactly what the clerk typed (never rewritten, never
replaced by another date), a small calendar button (a pop-up QCalendarWidget
within the bounds; picking a day writes it as 2026-12-04), and beside or below it
the date the text means in words (2026年12月4日周五, `core.format.date_and_weekday`)
or, in red, the sentence of `core.dates.parse_typed_date` saying why it is not a
date it accepts (unparseable, outside core.dates' window or the field's bounds).
Every form of core.dates is accepted (2026-12-04, 2026.12.4, 12.4, 12月4日, 1204 …).
- `date()`: the date shown, or None when the text is empty (an `optional` field:
  "any", shown as `empty_text`) or refused; `problem()`: the refusal's sentence,
  "" when the text is a date (or empty and optional); a form must not save while
  `problem()` is not empty (`first_problem` helps), and the text stays as typed.
- A refusal appears once the clerk leaves the field or presses Enter
  (`editingFinished`) or the form calls `show_problem()`; from then on it follows
  every keystroke and disappears as soon as the text is a date again. While the
  clerk is still typing a first time, an unfinished text shows nothing in red.
- `dateChanged(object)`: the date (or None) each time the text's meaning changes.
- `compact`: the words go into the tooltip (a filter bar), the field turns red.
Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from PySide6.QtCore import QDate, QPoint, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QCalendarWidget,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from core import clock
from core.dates import EARLIEST, latest_date, parse_typed_date
from core.errors import ClerkError
from core.format import date_and_weekday
from core.i18n import _

ERROR_COLOR = "#c62828"
WORDS_COLOR = "#555555"


def _qdate(d: dt.date) -> QDate:
    return QDate(d.year, d.month, d.day)


class DateField(QWidget):
    """See the module contract."""

    dateChanged = Signal(object)  # dt.date | None

    def __init__(self, value: dt.date | None, accessible: str, *, minimum: dt.date | None = None,
                 maximum: dt.date | None = None, optional: bool = False, empty_text: str = "",
                 compact: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimum, self.maximum = minimum, maximum
        self.optional, self.empty_text, self.compact = optional, empty_text, compact
        self._touched = False
        self._last: object = ()  # the last meaning emitted (a sentinel before the first)
        self.edit = QLineEdit()
        self.edit.setAccessibleName(accessible)
        self.edit.setPlaceholderText(empty_text if optional else "2026-12-04")
        self.edit.setMinimumWidth(self.edit.fontMetrics().horizontalAdvance("2026-12-04") + 16)
        self.edit.setMaximumWidth(self.edit.fontMetrics().horizontalAdvance("2026年12月04日") + 24)
        self.button = QToolButton()
        self.button.setText("▾")
        self.button.setAccessibleName(_("Choose the date on a calendar"))
        self.button.setToolTip(_("Choose the date on a calendar"))
        self.button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from field to field
        self.button.clicked.connect(self.open_calendar)
        self.words = QLabel()
        self.words.setObjectName("date_words")
        self.words.setWordWrap(not compact)
        self.words.setVisible(not compact)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(2)
        row.addWidget(self.edit)
        row.addWidget(self.button)
        layout: QBoxLayout = QHBoxLayout(self) if compact else QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(1)
        layout.addLayout(row)
        if not compact:
            row.addStretch(1)
            layout.addWidget(self.words)
        self.setFocusProxy(self.edit)
        # a label's buddy mnemonic (会议日期(&D)) focuses only a buddy that takes the focus itself
        self.setFocusPolicy(self.edit.focusPolicy())
        self.calendar: QCalendarWidget | None = None
        self.edit.textChanged.connect(self._on_text)
        self.edit.editingFinished.connect(self.show_problem)
        self.setDate(value)

    # ----- reading -----------------------------------------------------------------------

    def text(self) -> str:
        return self.edit.text()

    def _read(self) -> tuple[dt.date | None, str]:
        text = self.edit.text()
        if not text.strip():
            return None, ("" if self.optional else _("Type a date, e.g. 2026-12-04 or 12.4."))
        try:
            return parse_typed_date(text, clock.today(), minimum=self.minimum, maximum=self.maximum), ""
        except ClerkError as err:
            return None, str(err)

    def date(self) -> dt.date | None:
        """The date shown in words, or None (empty optional field, or a refused text)."""
        return self._read()[0]

    def problem(self) -> str:
        """Why the text is not a date this field accepts; "" when it is one (or empty and optional)."""
        return self._read()[1]

    # ----- writing -----------------------------------------------------------------------

    def setDate(self, value: dt.date | QDate | None) -> None:  # noqa: N802  (Qt's spelling, like QDateEdit)
        """Show `value` (a date, or a QDate as a QDateEdit took it) as 2026-12-04, empty for None."""
        if isinstance(value, QDate):
            value = dt.date(value.year(), value.month(), value.day())
        self._touched = False
        self.edit.setText(value.isoformat() if value else "")
        self._on_text()

    def setRange(self, minimum: dt.date | None, maximum: dt.date | None) -> None:  # noqa: N802
        self.minimum, self.maximum = minimum, maximum
        self._on_text()

    def show_problem(self) -> str:
        """Show the refusal (if any) from now on, and return it."""
        self._touched = True
        self._on_text()
        return self.problem()

    def _on_text(self, _text: str = "") -> None:
        d, problem = self._read()
        if problem and (self._touched or not self.edit.text().strip() and not self.optional):
            self._say(problem, error=bool(self._touched))
        elif d is not None:
            self._say(date_and_weekday(d), error=False)
        else:
            self._say(self.empty_text if not self.edit.text().strip() else "", error=False)
        if d != self._last:
            self._last = d
            self.dateChanged.emit(d)

    def _say(self, sentence: str, *, error: bool) -> None:
        color = ERROR_COLOR if error else WORDS_COLOR
        if self.compact:
            self.setToolTip(sentence)
            self.edit.setStyleSheet("QLineEdit { background: #f8d7da; }" if error else "")
        else:
            self.words.setText(sentence)
            self.words.setStyleSheet(f"color: {color};")
        self.edit.setAccessibleDescription(sentence)

    # ----- the calendar ------------------------------------------------------------------

    def open_calendar(self) -> QCalendarWidget:
        """Pop up a calendar on the date shown (else today); a click on a day writes it in the field."""
        calendar = QCalendarWidget(self)
        calendar.setWindowFlags(Qt.WindowType.Popup)
        calendar.setGridVisible(True)
        first = max(self.minimum or EARLIEST, EARLIEST)
        last = min(self.maximum or latest_date(), latest_date())
        calendar.setDateRange(_qdate(first), _qdate(last))
        calendar.setSelectedDate(_qdate(self.date() or min(max(clock.today(), first), last)))
        calendar.clicked.connect(lambda q: self._picked(q, calendar))
        calendar.activated.connect(lambda q: self._picked(q, calendar))
        calendar.move(self.edit.mapToGlobal(QPoint(0, self.edit.height())))
        calendar.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.calendar = calendar
        calendar.show()
        calendar.setFocus()
        return calendar

    def _picked(self, q: QDate, calendar: QCalendarWidget) -> None:
        self.setDate(dt.date(q.year(), q.month(), q.day()))
        calendar.close()
        self.calendar = None
        self.edit.setFocus()


def first_problem(fields: Iterable[DateField]) -> tuple[DateField, str] | None:
    """The first enabled field whose text is refused (its refusal now shown), or None."""
    for field in fields:
        if field.isEnabled():
            problem = field.show_problem()
            if problem:
                return field, problem
    return None
