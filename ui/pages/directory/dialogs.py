"""The directory's forms: a unit, a leader (with the units in their charge), a user, a role, a password.

Each is a `FormDialog` (ui.pages.directory.form): Enter saves, Esc closes, the
core's refusal shows inside, and the write runs on the worker thread through
`ctx.write`. A unit's code and a leader's or user's name are fixed once saved,
so the edit forms show them read-only. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QListWidget, QListWidgetItem, QWidget

from core import directory
from core.auth import ROLES, User
from core.directory import KINDS, Leader, Unit
from core.errors import Refusal
from core.i18n import _, ngettext
from core.office import Changes, Session
from core.pinyin_match import unit_index
from ui.pages.directory.form import FormDialog
from ui.pages.directory.models import KIND_LABELS, ROLE_LABELS
from ui.shell.context import AppContext

CODE_ROLE = Qt.ItemDataRole.UserRole


def _line(accessible: str, text: str = "", *, password: bool = False) -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(accessible)
    if password:
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    return edit


def _combo(accessible: str, items: Sequence[tuple[str, str]], current: str | None = None) -> QComboBox:
    combo = QComboBox()
    combo.setAccessibleName(accessible)
    for key, label in items:
        combo.addItem(_(label), key)
    if current is not None:
        combo.setCurrentIndex(max(0, combo.findData(current)))
    return combo


class UnitDialog(FormDialog):
    """Add a unit (code, name, kind) or edit one (name, kind)."""

    def __init__(self, ctx: AppContext, unit: Unit | None = None, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Edit unit") if unit else _("Add unit"), parent)
        self.unit = unit
        self.code = _line(_("Unit code"), unit.code if unit else "")
        self.code.setPlaceholderText(_("e.g. TGZ"))
        self.code.setEnabled(unit is None)
        self.name = _line(_("Unit name"), unit.name if unit else "")
        self.name.setPlaceholderText(_("e.g. 太公镇"))
        self.kind = _combo(_("Unit kind"), [(k, KIND_LABELS[k]) for k in KINDS], unit.kind if unit else None)
        self.form.addRow(_("&Code:"), self.code)
        self.form.addRow(_("Unit &name:"), self.name)
        self.form.addRow(_("&Kind:"), self.kind)
        self.chain(self.code, self.name, self.kind)
        (self.name if unit else self.code).setFocus()
        self.write_changes = None if unit else Changes(directory=True)

    def job(self) -> Callable[[Session], Any]:
        code, name, kind = self.code.text(), self.name.text(), self.kind.currentData()
        if self.unit is None:
            return lambda s: directory.add_unit(s, code, name, kind)
        return lambda s: directory.edit_unit(s, code, name, kind)


class LeaderDialog(FormDialog):
    """Add a leader or edit their title and the units in their charge (a checkable unit list)."""

    def __init__(self, ctx: AppContext, units: Sequence[Unit], leader: Leader | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Edit leader") if leader else _("Add leader"), parent)
        self.leader = leader
        had = set(leader.units) if leader else set()
        self.name = _line(_("Leader name"), leader.name if leader else "")
        self.name.setPlaceholderText(_("e.g. 王建国"))
        self.name.setEnabled(leader is None)
        self.title_edit = _line(_("Job title"), leader.title if leader else "")
        self.title_edit.setPlaceholderText(_("e.g. 副县长"))
        self.filter = _line(_("Find a unit"))
        self.filter.setPlaceholderText(_("Type part of a name, its pinyin initials or a code"))
        self.filter.setClearButtonEnabled(True)
        self.units = QListWidget()
        self.units.setAccessibleName(_("Units in charge"))
        self.units.setMinimumHeight(220)
        shown = [u for u in units if u.active or u.code in had]
        self._index = unit_index(shown)
        for u in shown:
            label = u.name if u.active else _("{unit} (deactivated)").format(unit=u.name)
            item = QListWidgetItem(f"{label}  {u.code}")
            item.setData(CODE_ROLE, u.code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if u.code in had else Qt.CheckState.Unchecked)
            self.units.addItem(item)
        self.count = QLabel()
        self.units.itemChanged.connect(self._update_count)
        self.filter.textChanged.connect(self._apply_filter)
        self.form.addRow(_("Leader's &name:"), self.name)
        self.form.addRow(_("Job &title:"), self.title_edit)
        self.form.addRow(_("&Units in charge:"), self.filter)
        self.form.addRow("", self.units)
        self.form.addRow("", self.count)
        self._update_count()
        self.chain(self.name, self.title_edit, self.filter, self.units)
        (self.title_edit if leader else self.name).setFocus()
        self.write_changes = None if leader else Changes(directory=True)

    def item_for(self, code: str) -> QListWidgetItem:
        """The list item of the unit `code` (tests tick units through it)."""
        for i in range(self.units.count()):
            if self.units.item(i).data(CODE_ROLE) == code:
                return self.units.item(i)
        raise KeyError(code)

    def checked_codes(self) -> list[str]:
        return [self.units.item(i).data(CODE_ROLE) for i in range(self.units.count())
                if self.units.item(i).checkState() == Qt.CheckState.Checked]

    def _update_count(self) -> None:
        n = len(self.checked_codes())
        self.count.setText(ngettext("{n} unit chosen", "{n} units chosen", n).format(n=n))

    def _apply_filter(self, text: str) -> None:
        for i in range(self.units.count()):
            self.units.item(i).setHidden(bool(text.strip()) and self._index.rank(text, i) is None)

    def job(self) -> Callable[[Session], Any]:
        name, title, codes = self.name.text(), self.title_edit.text(), self.checked_codes()
        if self.leader is None:
            return lambda s: directory.add_leader(s, name, title, codes)
        return lambda s: directory.edit_leader(s, name, title, codes)


def _same_passwords(first: QLineEdit, second: QLineEdit) -> str:
    if first.text() != second.text():
        raise Refusal(_("The two passwords differ; type the same password in both boxes."))
    return first.text()


class UserDialog(FormDialog):
    """Add a user: name, role and the password typed twice (an administrator's form)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Add user"), parent)
        self.name = _line(_("User name"))
        self.role = _combo(_("Role"), [(r, ROLE_LABELS[r]) for r in ROLES], "clerk")
        self.password = _line(_("Password"), password=True)
        self.again = _line(_("Password again"), password=True)
        self.form.addRow(_("User &name:"), self.name)
        self.form.addRow(_("&Role:"), self.role)
        self.form.addRow(_("&Password:"), self.password)
        self.form.addRow(_("Password &again:"), self.again)
        self.chain(self.name, self.role, self.password, self.again)
        self.name.setFocus()
        self.write_changes = Changes(directory=True)

    def job(self) -> Callable[[Session], Any]:
        password = _same_passwords(self.password, self.again)
        name, role = self.name.text(), self.role.currentData()
        return lambda s: directory.add_user(s, name, role, password)


class RoleDialog(FormDialog):
    """Change a user's role."""

    def __init__(self, ctx: AppContext, user: User, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("Change role of {name}").format(name=user.name), parent)
        self.user = user
        self.role = _combo(_("Role"), [(r, ROLE_LABELS[r]) for r in ROLES], user.role)
        self.form.addRow(_("&Role:"), self.role)
        self.role.setFocus()

    def job(self) -> Callable[[Session], Any]:
        name, role = self.user.name, self.role.currentData()
        return lambda s: directory.set_user_role(s, name, role)


class PasswordDialog(FormDialog):
    """Give a user a new password, typed twice."""

    def __init__(self, ctx: AppContext, user: User, parent: QWidget | None = None) -> None:
        super().__init__(ctx, _("New password for {name}").format(name=user.name), parent)
        self.user = user
        self.password = _line(_("New password"), password=True)
        self.again = _line(_("New password again"), password=True)
        self.form.addRow(_("&New password:"), self.password)
        self.form.addRow(_("Password &again:"), self.again)
        self.chain(self.password, self.again)
        self.password.setFocus()

    def job(self) -> Callable[[Session], Any]:
        password = _same_passwords(self.password, self.again)
        name = self.user.name
        return lambda s: directory.reset_password(s, name, password)
