"""The directory's form for an inspection group (督查组): name, lead, members, the units it covers.

Contract: `GroupDialog(ctx, units, group=None, parent)` (a ui.pages.directory.form.FormDialog)
adds a group (core.supervision.groups.add_group) or, given one, edits its name, lead, members
and units (edit_group; its inspections follow a new name). Members are typed as a list (张三、李四; commas, 、 or
spaces separate them); the units are a checkable list, filtered by name, pinyin initials or
code as the leader form's. A refusal shows in the form; nothing is written. GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QWidget

from core.directory import Unit
from core.i18n import _
from core.office import Session
from core.pinyin_match import split_names, unit_index
from core.supervision.groups import Group, add_group, edit_group
from ui.pages.directory.form import FormDialog
from ui.shell.context import AppContext

CODE_ROLE = Qt.ItemDataRole.UserRole


def _line(accessible: str, text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(accessible)
    return edit


class GroupDialog(FormDialog):
    """See the module contract."""

    def __init__(self, ctx: AppContext, units: Sequence[Unit], group: Group | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Edit inspection group") if group else _("Add inspection group"), parent)
        self.group = group
        had = set(group.units) if group else set()
        self.name = _line(_("Group name"), group.name if group else "")
        self.name.setPlaceholderText(_("e.g. 第一督查组"))
        self.lead = _line(_("Group lead"), group.lead if group else "")
        self.members = _line(_("Members"), "、".join(group.members) if group else "")
        self.members.setPlaceholderText(_("e.g. 张三、李四"))
        self.filter = _line(_("Find a unit"))
        self.filter.setPlaceholderText(_("Type part of a name, its pinyin initials or a code"))
        self.filter.setClearButtonEnabled(True)
        self.units = QListWidget()
        self.units.setAccessibleName(_("Units covered"))
        self.units.setMinimumHeight(200)
        shown = [u for u in units if u.active or u.code in had]
        self._index = unit_index(shown)
        for u in shown:
            item = QListWidgetItem(f"{u.name}  {u.code}")
            item.setData(CODE_ROLE, u.code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if u.code in had else Qt.CheckState.Unchecked)
            self.units.addItem(item)
        self.filter.textChanged.connect(self._apply_filter)
        self.form.addRow(_("Group &name:"), self.name)
        self.form.addRow(_("&Lead:"), self.lead)
        self.form.addRow(_("&Members:"), self.members)
        self.form.addRow(_("&Units covered:"), self.filter)
        self.form.addRow("", self.units)
        self.chain(self.name, self.lead, self.members, self.filter, self.units)
        (self.lead if group else self.name).setFocus()

    def item_for(self, code: str) -> QListWidgetItem:
        """The list item of the unit `code` (tests tick units through it)."""
        for i in range(self.units.count()):
            if self.units.item(i).data(CODE_ROLE) == code:
                return self.units.item(i)
        raise KeyError(code)

    def checked_codes(self) -> list[str]:
        return [self.units.item(i).data(CODE_ROLE) for i in range(self.units.count())
                if self.units.item(i).checkState() == Qt.CheckState.Checked]

    def _apply_filter(self, text: str) -> None:
        for i in range(self.units.count()):
            self.units.item(i).setHidden(bool(text.strip()) and self._index.rank(text, i) is None)

    def job(self) -> Callable[[Session], Any]:
        name, lead, codes = self.name.text(), self.lead.text(), self.checked_codes()
        members = split_names(self.members.text())
        if self.group is None:
            return lambda s: add_group(s, name, lead, members, codes)
        old = self.group.name
        return lambda s: edit_group(s, old, new_name=name, lead=lead, members=members, units=codes)
