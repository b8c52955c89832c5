"""The timeline of one assignment's events, and opening an evidence file.

Contract: `Timeline.show_events(events)` draws the events of `core.work.task_view.task_detail`
(already in effective-date order) one under the other — date, action, who
recorded it and whether the county office entered it on the unit's behalf
(代录), then what was said (after the date an event carries), its milestones
and its evidence files as buttons. Clicking a file (or Space on it) emits
`file_activated(sha256, name)`. `open_file(path, name)` hands a stored file to
the system viewer; tests replace it. Threading: GUI thread only.
"""
from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QIcon
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QStyle, QVBoxLayout, QWidget

from core.format import medium_date, number
from core.i18n import N_, _, babel_locale

BEHALF_COLOR = "#8d6e00"
MUTED_COLOR = "#666666"
RULE_COLOR = "#dddddd"

EVENT_LABELS = {
    "claim": N_("Claimed"), "report": N_("Progress report"), "completion": N_("Completion report"),
    "extension_request": N_("Extension requested"), "extension_approve": N_("Extension approved"),
    "extension_reject": N_("Extension rejected"), "return": N_("Returned"), "close": N_("Closed out"),
    "urge": N_("Urged"), "cancel": N_("Cancelled"),
}


def open_file(path: Path, name: str) -> bool:
    """Open a stored evidence file with the system viewer (replaceable in tests).

    The store names files by their hash, without extension; the viewer is chosen by
    the extension, so the file is first copied under its original name into a
    temporary folder (read-only for the viewer; the store itself is never exposed).
    """
    folder = Path(tempfile.gettempdir()) / "closeloop-evidence" / path.name[:16]
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (Path(name).name or path.name)
    if not target.exists():
        shutil.copyfile(path, target)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(target)))


def file_size_text(size: int) -> str:
    """A file size for a clerk: KB under one MB, else MB, one decimal."""
    if size < 1024 * 1024:
        return _("{size} KB").format(size=number(max(size, 1) / 1024, "#,##0.#"))
    return _("{size} MB").format(size=number(size / 1048576, "#,##0.#"))


def _day(iso: str | None) -> str:
    return medium_date(dt.date.fromisoformat(iso)) if iso else ""


def event_details(e: dict) -> str:
    """The event's text, after the date it carries (new date, approved date, follow-up)."""
    value = _day(e.get("value"))
    kind = e["kind"]
    lines = []
    if kind == "extension_request" and value:
        lines.append(_("New date requested: {date}").format(date=value))
    elif kind == "extension_approve":
        lines.append(_("Approved until {date}").format(date=value) if value
                     else _("The requested date is approved"))
    elif kind == "urge" and value:
        lines.append(_("Follow-up on {date}").format(date=value))
    if e.get("text"):
        lines.append(str(e["text"]))
    return "\n".join(lines)


def decider_text(kind: str, who: str) -> str:
    """Who recorded the event; for the county office's decisions, named as the decider (批准人)."""
    if kind == "extension_approve":
        return _("Approved by: {user}").format(user=who)
    if kind in ("extension_reject", "close", "return"):
        return _("Decided by: {user}").format(user=who)
    return who


class EventRow(QFrame):
    """One event: date, what and who on the first line; the text, milestones and files below."""

    def __init__(self, e: dict, file_icon: QIcon, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.record = e
        self.file_buttons: list[QPushButton] = []
        self.setObjectName("eventRow")
        kind, who = str(e["kind"]), str(e["user"])
        date = QLabel(_day(str(e["on"])))
        date.setObjectName("eventDate")
        date.setMinimumWidth(110)
        date.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        date.setToolTip(_("Recorded at {time}").format(time=_recorded_text(str(e.get("recorded_at") or ""))))
        title = QLabel(_(EVENT_LABELS[kind]))
        title.setObjectName("eventAction")
        title.setStyleSheet("font-weight: bold;")
        by = QLabel(_("{user}, on the unit's behalf (代录)").format(user=who) if e["on_behalf"] else decider_text(kind, who))
        by.setObjectName("eventBy")
        by.setStyleSheet(f"color: {BEHALF_COLOR if e['on_behalf'] else MUTED_COLOR};")
        if e["on_behalf"]:
            by.setToolTip(_("Entered by the county office from a paper or phone report."))
        head = QHBoxLayout()
        head.setSpacing(12)
        head.addWidget(title)
        head.addWidget(by)
        head.addStretch(1)
        body = QVBoxLayout()
        body.setSpacing(2)
        body.addLayout(head)
        details = event_details(e)
        if details:
            text = QLabel(details)
            text.setObjectName("eventText")
            text.setWordWrap(True)
            text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            body.addWidget(text)
        for m in e.get("milestones") or []:
            line = QLabel(_("Milestone {date}: {text}").format(date=_day(m["date"]), text=m["text"]))
            line.setObjectName("eventMilestone")
            line.setWordWrap(True)
            body.addWidget(line)
        if e.get("files"):
            files = QHBoxLayout()
            files.setSpacing(6)
            for f in e["files"]:
                button = QPushButton(file_icon, _("{name} ({size})").format(
                    name=f["name"], size=file_size_text(int(f["size"]))))
                button.setObjectName("evidenceFile")
                button.setFlat(True)
                button.setCursor(Qt.CursorShape.PointingHandCursor)
                button.setAccessibleName(_("Open {name}").format(name=f["name"]))
                button.setToolTip(_("Open {name} with the system viewer").format(name=f["name"]))
                button.setProperty("sha256", f["sha256"])
                button.setProperty("file_name", f["name"])
                self.file_buttons.append(button)
                files.addWidget(button)
            files.addStretch(1)
            body.addLayout(files)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 4, 0, 4)
        row.addWidget(date, 0, Qt.AlignmentFlag.AlignTop)
        row.addLayout(body, 1)


def _recorded_text(stamp: str) -> str:
    """A recorded UTC time shown in the computer's local time, formatted by babel."""
    if not stamp:
        return ""
    from babel.dates import format_datetime

    moment = dt.datetime.fromisoformat(stamp).astimezone()
    return format_datetime(moment, "medium", locale=babel_locale())


class Timeline(QWidget):
    """An assignment's events, oldest first (see the module contract)."""

    file_activated = Signal(str, str)   # sha256, name

    def __init__(self, accessible: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(accessible)
        self.rows: list[EventRow] = []
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._file_icon = self.style().standardIcon(QStyle.StandardPixmap.SP_FileIcon)

    def show_events(self, events: list[dict]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = []
        for i, e in enumerate(events):
            if i:
                rule = QFrame()
                rule.setFrameShape(QFrame.Shape.HLine)
                rule.setStyleSheet(f"color: {RULE_COLOR};")
                self._layout.addWidget(rule)
            row = EventRow(e, self._file_icon)
            for button in row.file_buttons:
                button.clicked.connect(lambda _c=False, b=button: self.file_activated.emit(
                    str(b.property("sha256")), str(b.property("file_name"))))
            self.rows.append(row)
            self._layout.addWidget(row)
        if not events:
            empty = QLabel(_("Nothing recorded yet."))
            empty.setStyleSheet(f"color: {MUTED_COLOR};")
            self._layout.addWidget(empty)

    def file_buttons(self) -> list[QPushButton]:
        """The evidence file buttons, in the order shown."""
        return [b for row in self.rows for b in row.file_buttons]
