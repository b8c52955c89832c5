"""The question asked when a weekly meeting is saved on a day that already has one.

Contract (GUI thread only): `ask_existing_meeting(parent, meeting)` shows a modal
question naming the meeting already recorded that day and returns "add" (添加到已有的周例会:
the items join it), "new" (另建: a second meeting that day) or None (取消: nothing is saved).
"""
from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from core.i18n import _
from core.work.tasks import Meeting


def ask_existing_meeting(parent: QWidget, meeting: Meeting) -> str | None:
    """See the module contract."""
    box = QMessageBox(QMessageBox.Icon.Question, _("A meeting is already recorded that day"),
                      _("The weekly meeting {title} is already recorded on {date}. Add these items to it, or "
                        "record a second meeting that day?").format(title=meeting.title,
                                                                   date=meeting.date.isoformat()),
                      QMessageBox.StandardButton.NoButton, parent)
    add = box.addButton(_("&Add to the existing weekly meeting"), QMessageBox.ButtonRole.AcceptRole)
    new = box.addButton(_("Record a &new meeting"), QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(add)
    box.exec()
    clicked = box.clickedButton()
    return "add" if clicked is add else "new" if clicked is new else None
