"""Weekly assignment (周交办): a meeting and its "10+N" items typed into one grid, saved at once.

Contract (GUI thread only):
- `WeeklyPage(ctx, parent)`: the meeting date (default: the coming Sunday,
  `core.work.weekly.coming_sunday`), its title (default: the core's title for that
  date) and the grid (`weekly_model`, `weekly_grid`). Units and leaders are
  picked by name, pinyin initials, full pinyin or code (`core.pinyin_match`,
  indexes built from `ctx.reader` and rebuilt when the directory changes).
- Every edit is checked by `core.work.weekly.check_rows` on `ctx.reader` (instant
  for a meeting's rows): the dues appear in the grid, problems turn their cells
  red and are listed, as sentences, in the problems panel (a click jumps to the cell).
- Save (Ctrl+S) reveals every problem; with any, nothing is written. Otherwise
  `core.work.weekly.save_weekly` runs through `ctx.write` (the worker; one
  transaction: the meeting and all its items); `ctx.changed` then tells the
  other pages. On success the page shows the task numbers, clears the grid and
  emits `saved(SavedMeeting)`; a refusal shows its sentence and emits
  `save_refused(str)`, and the grid keeps what was typed. An error line goes as
  soon as its cause is fixed (the next check finds the grid savable).
- A day that already has a weekly meeting: the save asks (`ask_existing`,
  `ui.pages.weekly_duplicate`) whether to add the items to it, record a second
  meeting or cancel. A new meeting's default title is the office's
  ("2026年第46次周例会", `core.work.tasks.default_meeting_title`).
- Only a hub's clerks and administrators may save; anyone else sees the grid read only.
- "Print list…" previews the 周交办清单 of the meeting of the date shown (the
  one saved last that day, `core.work.weekly.weekly_meeting_on` on `ctx.reader`)
  through `ui.printing.documents.print_weekly_list`; disabled while there is none.
"""
from __future__ import annotations

import datetime as dt

from babel.lists import format_list
from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from core.directory import list_leaders, list_units
from core.errors import ClerkError
from core.i18n import _, babel_locale, ngettext
from core.office import Changes
from core.pinyin_match import Entry, MatchIndex, leader_index, unit_index
from core.work.tasks import Meeting, NewTask, default_meeting_title
from core.work.weekly import RowCheck, SavedMeeting, check_rows, coming_sunday, save_weekly, weekly_meeting_on
from ui.date_field import DateField, first_problem
from ui.ledger_model import CATEGORY_LABELS
from ui.pages.weekly_grid import GridView
from ui.pages.weekly_model import COLUMN_OF, COLUMNS, DUE_COLUMNS, WeeklyGridModel
from ui.shell.context import AppContext

CELL_ROLE = int(Qt.ItemDataRole.UserRole) + 1
WIDTHS = (230, 60, 110, 170, 80, 160, 100, 100, 100)
ERROR_STYLE = "color: #b71c1c;"
DONE_STYLE = "color: #1b5e20;"


def numbers_text(numbers: tuple[str, ...]) -> str:
    """Task numbers as a clerk reads them: a range when consecutive (2026-10 – 2026-21), else a list."""
    if len(numbers) > 2:
        years = {n.split("-")[0] for n in numbers}
        seqs = [int(n.split("-")[1]) for n in numbers]
        if len(years) == 1 and seqs == list(range(seqs[0], seqs[0] + len(seqs))):
            return f"{numbers[0]} – {numbers[-1]}"
    return format_list(list(numbers), locale=babel_locale())


def category_index() -> MatchIndex:
    """The two categories, by their label in the user's language, their number (1, 2) or 一般/重大.

    The Chinese words are the county's own names for the categories (docs/design.md §2),
    accepted as typed (yb, zd) whatever the interface language.
    """
    entries = []
    for number, (key, county_word) in enumerate((("general", "一般"), ("major", "重大")), start=1):
        label = _(CATEGORY_LABELS[key])
        entries.append(Entry(key, label, str(number)))
        if county_word != label:
            entries.append(Entry(key, county_word, ""))
    return MatchIndex(entries)


class WeeklyPage(QWidget):
    """See the module contract."""

    saved = Signal(object)          # core.work.weekly.SavedMeeting
    save_refused = Signal(str)      # the sentence shown to the clerk

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.writable = ctx.hub_may_write
        self._saving = False
        self._error_shown = False
        units, leaders, in_charge = self._directory()
        self.model = WeeklyGridModel(units, leaders, category_index(), self._check, coming_sunday(ctx.today()),
                                     self)
        self.model.in_charge = in_charge
        self.model.set_editable(self.writable)
        self._build()
        self.model.checked.connect(self._on_checked)
        self.grid.selectionModel().currentChanged.connect(self._on_current_changed)
        ctx.changed.connect(self._on_changed)
        self._on_date_changed()

    # ----- building ---------------------------------------------------------------------

    def _build(self) -> None:
        self.date_edit = DateField(self.model.date, _("Meeting date"))  # within core.dates' window
        self.date_edit.dateChanged.connect(self._on_date_changed)
        self.title_edit = QLineEdit()
        self.title_edit.setAccessibleName(_("Meeting title"))
        self.title_edit.setMinimumWidth(320)
        date_label = QLabel(_("Meeting &date"))
        date_label.setBuddy(self.date_edit)
        title_label = QLabel(_("&Title"))
        title_label.setBuddy(self.title_edit)
        head = QHBoxLayout()
        for w in (date_label, self.date_edit, title_label, self.title_edit):
            head.addWidget(w)
        head.addStretch(1)

        self.hint = QLabel(_("Type each item on a row. Pick units and leaders by part of the name, its pinyin "
                             "initials (tgz for 太公镇) or the code; separate co-operating units with 、. "
                             "Tab or Enter moves to the next cell."))
        self.hint.setWordWrap(True)
        self.readonly_notice = QLabel(_("You may read this page but not enter items: only the county office's "
                                        "clerks and administrators assign items."))
        self.readonly_notice.setStyleSheet(ERROR_STYLE)
        self.readonly_notice.setVisible(not self.writable)

        self.grid = GridView()
        self.grid.setModel(self.model)
        self.grid.setAccessibleName(_("Items of the meeting"))
        header = self.grid.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header_font = header.fontMetrics()
        for col, width in enumerate(WIDTHS):  # widened to fit each header in the language shown ("Leader in charge")
            title = str(self.model.headerData(col, Qt.Orientation.Horizontal))
            self.grid.setColumnWidth(col, max(width, header_font.horizontalAdvance(title) + 28))
        # the dues and the category fit their text; the content takes what is left
        for col in (COLUMN_OF["category"], *DUE_COLUMNS):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COLUMN_OF["content"], QHeaderView.ResizeMode.Stretch)
        content = str(self.model.headerData(COLUMN_OF["content"], Qt.Orientation.Horizontal))
        # the stretched column never narrower than its header (every column is at least that wide already)
        header.setMinimumSectionSize(max(header.minimumSectionSize(), header_font.horizontalAdvance(content) + 12))
        if not self.writable:
            self.grid.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)

        self.problems = QListWidget()
        self.problems.setAccessibleName(_("Problems"))
        self.problems.setWordWrap(True)
        self.problems.itemActivated.connect(self._go_to_problem)
        self.problems.itemClicked.connect(self._go_to_problem)
        problems_box = QWidget()
        box = QVBoxLayout(problems_box)
        box.setContentsMargins(0, 0, 0, 0)
        problems_label = QLabel(_("&Problems"))
        problems_label.setBuddy(self.problems)
        box.addWidget(problems_label)
        box.addWidget(self.problems)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.grid)
        splitter.addWidget(problems_box)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([520, 140])

        self.summary = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.clear_button = QPushButton(_("C&lear"))
        self.clear_button.clicked.connect(self._ask_clear)
        self.save_button = QPushButton(_("&Save the meeting"))
        self.save_button.setDefault(False)
        self.save_button.clicked.connect(self.save)
        self.save_action = QAction(_("Save the meeting"), self)
        self.save_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Save))
        self.save_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.save_action.triggered.connect(self.save)
        self.addAction(self.save_action)
        for w in (self.clear_button, self.save_button, self.save_action):
            w.setEnabled(self.writable)
        self.print_button = QPushButton(_("Pri&nt list…"))
        self.print_button.setObjectName("printWeeklyList")
        self.print_button.setToolTip(_("Preview and print the list of the meeting of this date"))
        self.print_button.setEnabled(False)
        self.print_button.clicked.connect(self.print_list)
        foot = QHBoxLayout()
        foot.addWidget(self.summary)
        foot.addStretch(1)
        foot.addWidget(self.print_button)
        foot.addWidget(self.clear_button)
        foot.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.addLayout(head)
        layout.addWidget(self.hint)
        layout.addWidget(self.readonly_notice)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(foot)
        QWidget.setTabOrder(self.date_edit, self.title_edit)
        QWidget.setTabOrder(self.title_edit, self.grid)
        QWidget.setTabOrder(self.grid, self.problems)
        QWidget.setTabOrder(self.problems, self.print_button)
        QWidget.setTabOrder(self.print_button, self.clear_button)
        QWidget.setTabOrder(self.clear_button, self.save_button)
        self.grid.setCurrentIndex(self.model.index(0, 0))

    # ----- data ------------------------------------------------------------------------

    def _directory(self) -> tuple[MatchIndex, MatchIndex, dict[str, frozenset[str]]]:
        """Indexes of the units and leaders (a few ms on the GUI thread's reader)."""
        units = list_units(self.ctx.reader)
        leaders = list_leaders(self.ctx.reader)
        in_charge: dict[str, set[str]] = {}
        for ld in leaders:
            if ld.active:
                for code in ld.units:
                    in_charge.setdefault(code, set()).add(ld.name)
        return unit_index(units), leader_index(leaders), {k: frozenset(v) for k, v in in_charge.items()}

    def _check(self, rows: list[NewTask]) -> list[RowCheck]:
        return check_rows(self.ctx.reader, rows, self.ctx.today())

    def meeting_date(self) -> dt.date:
        """The date typed, or while the text is not a date the last one that was (saving is refused then)."""
        return self.date_edit.date() or self.model.date

    def activate(self, options: dict[str, object] | None = None) -> None:
        """Shown by the main window: the grid takes the keyboard."""
        self.grid.setFocus()

    def carry_over(self) -> dict[str, object]:
        """What was typed (date, title, rows), for the page rebuilt after a language switch (ui.shell.main_window)."""
        return {"date": self.date_edit.text(), "title": self.title_edit.text(), "drafts": self.model.drafts()}

    def take_over(self, kept: object) -> None:
        """Put back what `carry_over()` kept: nothing typed is lost by switching the language."""
        if not isinstance(kept, dict):
            return
        if isinstance(kept.get("date"), str) and kept["date"] != self.date_edit.text():
            self.date_edit.edit.setText(kept["date"])
        if isinstance(kept.get("title"), str):
            self.title_edit.setText(kept["title"])
        drafts = kept.get("drafts")
        if isinstance(drafts, list) and any(not d.is_blank() for d in drafts):
            self.model.set_drafts(drafts)

    # ----- reactions -------------------------------------------------------------------

    def _on_date_changed(self, *_args: object) -> None:
        date = self.meeting_date()
        self.title_edit.setPlaceholderText(default_meeting_title("weekly", date, self.ctx.reader))
        self.model.set_date(date)
        self._update_print()

    def _on_current_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if previous.isValid() and previous.row() != current.row():
            self.model.reveal(previous.row())

    def _on_changed(self, changes: Changes) -> None:
        if changes.tasks:
            self._update_print()
            self.title_edit.setPlaceholderText(default_meeting_title("weekly", self.meeting_date(), self.ctx.reader))
        if changes.directory:
            units, leaders, in_charge = self._directory()
            self.model.set_indexes(units, leaders, in_charge)
        elif changes.calendar or changes.rules:
            self.model.recheck()

    def _on_checked(self) -> None:
        self.problems.clear()
        date_problems = self.model.date_problems()
        for p in date_problems:
            item = QListWidgetItem(_("Meeting date: {problem}").format(problem=p.sentence))
            item.setData(CELL_ROLE, None)
            self.problems.addItem(item)
        self.date_edit.edit.setStyleSheet("QLineEdit { background: #f8d7da; }" if date_problems else "")
        self.date_edit.setToolTip("\n".join(p.sentence for p in date_problems))
        bad_rows = 0
        for row in self.model.filled_rows():
            shown = self.model.visible_problems(row)
            bad_rows += bool(shown)
            for p in shown:
                column = COLUMN_OF.get(p.field, 0)
                item = QListWidgetItem(_("Row {row}, {column}: {problem}").format(
                    row=row + 1, column=_(COLUMNS[column][1]), problem=p.sentence))
                item.setData(CELL_ROLE, (row, column))
                self.problems.addItem(item)
        filled = len(self.model.filled_rows())
        text = ngettext("{n} item", "{n} items", filled).format(n=filled)
        if bad_rows:
            text += " · " + ngettext("{n} row has a problem", "{n} rows have problems", bad_rows).format(n=bad_rows)
        self.summary.setText(text)
        if self._error_shown and filled and not self.model.has_problems():
            self._clear_error()   # its cause is fixed

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        cell = item.data(CELL_ROLE)
        if cell is None:
            self.date_edit.setFocus()
            return
        index = self.model.index(*cell)
        self.grid.setCurrentIndex(index)
        self.grid.scrollTo(index)
        self.grid.setFocus()

    # ----- actions ---------------------------------------------------------------------

    @classmethod
    def confirm_clear(cls, parent: QWidget, count: int) -> bool:
        """Ask before throwing typed items away (tests replace this)."""
        answer = QMessageBox.question(parent, _("Clear the grid"), ngettext(
            "Throw away the {n} item typed so far?", "Throw away the {n} items typed so far?", count).format(n=count))
        return answer == QMessageBox.StandardButton.Yes

    def _ask_clear(self) -> None:
        count = len(self.model.filled_rows())
        if count and not type(self).confirm_clear(self, count):
            return
        self.model.clear()
        self.message.clear()

    def save(self) -> None:
        """Check every row, then save the meeting and its items in one transaction (see the contract)."""
        if not self.writable or self._saving:
            return
        editor = self.grid.indexWidget(self.grid.currentIndex())
        if editor is not None:   # an open editor (Ctrl+S while typing): keep what it holds
            self.grid.commitData(editor)
            self.grid.closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        self.model.reveal_all()
        refused = first_problem([self.date_edit])
        if refused is not None:  # the meeting is saved on the date shown, never another
            self.date_edit.setFocus()
            return self._refuse(_("Not saved: {problem}").format(problem=refused[1]))
        rows = self.model.rows_to_save()
        if not rows:
            return self._refuse(_("There are no items to save; type at least one item."))
        if self.model.has_problems():
            first = self.problems.item(0)
            if first is not None:
                self._go_to_problem(first)
            return self._refuse(_("Nothing was saved: correct the problems listed (cells in red) and save again."))
        date, title = self.meeting_date(), self.title_edit.text().strip()
        add_to, new_meeting = None, False
        existing = self.shown_meeting()
        if existing is not None:
            choice = type(self).ask_existing(self, existing)
            if choice is None:
                return
            add_to, new_meeting = (existing.id, False) if choice == "add" else (None, True)
        self._clear_error()
        self._set_saving(True)
        self.ctx.write(lambda s: save_weekly(s, date, title, rows, add_to=add_to, new_meeting=new_meeting),
                       self._on_saved, self._on_save_failed)

    @classmethod
    def ask_existing(cls, parent: QWidget, meeting: Meeting) -> str | None:
        """Add to the day's meeting ("add"), record a second ("new") or cancel (None); tests replace this."""
        from ui.pages.weekly_duplicate import ask_existing_meeting

        return ask_existing_meeting(parent, meeting)

    def _set_saving(self, saving: bool) -> None:
        self._saving = saving
        self.save_button.setEnabled(self.writable and not saving)
        self.save_action.setEnabled(self.writable and not saving)

    def _on_saved(self, result: tuple[SavedMeeting, Changes]) -> None:
        self._set_saving(False)
        saved = result[0]
        n = len(saved.task_numbers)
        self.model.clear()
        self.title_edit.clear()
        self._error_shown = False
        self.message.setStyleSheet(DONE_STYLE)
        self.message.setText(ngettext("Saved {title}: {n} item, task {numbers}.",
                                      "Saved {title}: {n} items, tasks {numbers}.", n).format(
            title=saved.meeting.title, n=n, numbers=numbers_text(saved.task_numbers)))
        self.grid.setCurrentIndex(self.model.index(0, 0))
        self._update_print()
        self.saved.emit(saved)

    def shown_meeting(self) -> Meeting | None:
        """The saved weekly meeting of the date shown (an instant read by key), or None."""
        return weekly_meeting_on(self.ctx.reader, self.meeting_date())

    def _update_print(self) -> None:
        self.print_button.setEnabled(self.shown_meeting() is not None)

    def print_list(self) -> object:
        """Preview and print the 周交办清单 of the meeting of the date shown (ui.printing.documents)."""
        meeting = self.shown_meeting()
        if meeting is None:
            return None
        from ui.printing import documents as report_documents

        return report_documents.print_weekly_list(self.ctx, self, meeting.id, meeting.date)

    def _on_save_failed(self, exc: Exception) -> None:
        self._set_saving(False)
        if not isinstance(exc, ClerkError):
            raise exc
        self._refuse(str(exc))

    def _clear_error(self) -> None:
        if self._error_shown:
            self._error_shown = False
            self.message.clear()

    def _refuse(self, sentence: str) -> None:
        self._error_shown = True
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.setText(sentence)
        self.save_refused.emit(sentence)
