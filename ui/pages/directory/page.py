"""The directory page (单位与领导): units, leaders, users and inspection groups (督查组) in four tabs.

Contract: `DirectoryPage(ctx, parent)` loads the three lists through
`ctx.query` (worker thread) and emits `loaded` when they are shown; it reloads
when `ctx.changed` says the directory changed. Write actions appear only for a
user who may take them: units and leaders for a clerk or administrator of the
hub office; users for an administrator (any office); inspection groups (lead, members, the
units covered; core.supervision.groups) for a clerk or administrator of the hub. Add and edit open a form
(`open_dialog`, which tests may replace; the form is kept in `self.dialog`);
a double click or Return on a unit or leader row edits it (for who may);
deactivate / reactivate write at once. Nothing is ever deleted. A refusal from
the core shows in the form, or, for a button without a form, in red under the
table of its tab. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from core import directory
from core.auth import User
from core.directory import Leader, Unit
from core.errors import ClerkError
from core.format import name_list
from core.i18n import N_, _
from core.office import Changes, Session
from core.supervision.groups import Group, edit_group, list_groups
from ui import keyboard
from ui.pages.directory.dialogs import LeaderDialog, PasswordDialog, RoleDialog, UnitDialog, UserDialog
from ui.pages.directory.form import ERROR_COLOR, alive
from ui.pages.directory.group_dialog import GroupDialog
from ui.pages.directory.models import KIND_LABELS, ROLE_LABELS, Column, RowsModel, active_text
from ui.shell import crash
from ui.shell.context import AppContext

OK_COLOR = "#2e7d32"


class DirectoryTab(QWidget):
    """One list: a find box and buttons above a table, a message line below."""

    def __init__(self, name: str, model: RowsModel[Any], stretch: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(model)
        self.proxy.setFilterKeyColumn(-1)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.find = QLineEdit()
        self.find.setAccessibleName(_("Find in {list}").format(list=name))
        self.find.setPlaceholderText(_("Find…"))
        self.find.setClearButtonEnabled(True)
        self.find.setMaximumWidth(260)
        self.find.textChanged.connect(self.proxy.setFilterFixedString)
        self.view = QTableView()
        self.view.setAccessibleName(name)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSortingEnabled(True)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the core's order until a header is clicked
        self.view.setAlternatingRowColors(True)
        self.view.verticalHeader().setVisible(False)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        self.message = QLabel()
        self.message.setAccessibleName(_("Message"))
        self.message.setWordWrap(True)
        self.bar = QHBoxLayout()
        self.buttons: list[QPushButton] = []
        self.bar.addWidget(self.find)
        self.bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(self.bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)

    def button(self, text: str, slot: Callable[[], None], *, needs_row: bool = True) -> QPushButton:
        b = QPushButton(text)
        b.clicked.connect(slot)
        b.setProperty("needs_row", needs_row)
        self.bar.addWidget(b)
        self.buttons.append(b)
        keyboard.chain_tab_order([self.find, *self.buttons, self.view])  # the bar left to right, then the table
        return b

    def selected(self) -> Any | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.row(self.proxy.mapToSource(rows[0]).row())

    def select(self, predicate: Callable[[Any], bool]) -> bool:
        """Select the first shown row for which `predicate(row)` holds (tests and after a save)."""
        for r in range(self.proxy.rowCount()):
            if predicate(self.model.row(self.proxy.mapToSource(self.proxy.index(r, 0)).row())):
                self.view.selectRow(r)
                return True
        return False

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {ERROR_COLOR if error else OK_COLOR};")
        self.message.setText(text)


class DirectoryPage(QWidget):
    """Units, leaders and users (see the module contract)."""

    loaded = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.dialog: QDialog | None = None
        self.units: list[Unit] = []
        self._unit_names: dict[str, str] = {}
        self.may_edit = ctx.hub_may_write
        self.may_manage_users = ctx.is_admin

        self.units_tab = DirectoryTab(_("Units"), RowsModel[Unit]([
            Column(N_("Code"), lambda u: u.code), Column(N_("Unit name"), lambda u: u.name),
            Column(N_("Kind"), lambda u: _(KIND_LABELS[u.kind])), Column(N_("Status"), lambda u: active_text(u.active)),
        ]), stretch=1)
        self.leaders_tab = DirectoryTab(_("Leaders"), RowsModel[Leader]([
            Column(N_("Leader"), lambda ld: ld.name), Column(N_("Job title"), lambda ld: ld.title),
            Column(N_("Units in charge"), self._units_text), Column(N_("Status"), lambda ld: active_text(ld.active)),
        ]), stretch=2)
        self.users_tab = DirectoryTab(_("Users"), RowsModel[User]([
            Column(N_("User name"), lambda u: u.name), Column(N_("Role"), lambda u: _(ROLE_LABELS[u.role])),
            Column(N_("Status"), lambda u: active_text(u.active)),
        ]), stretch=2)
        self.groups_tab = DirectoryTab(_("Inspection groups"), RowsModel[Group]([
            Column(N_("Inspection group"), lambda g: g.name), Column(N_("Group lead"), lambda g: g.lead),
            Column(N_("Members"), lambda g: name_list(g.members)),
            Column(N_("Units covered"), lambda g: name_list(self._unit_names.get(c, c) for c in g.units)),
            Column(N_("Status"), lambda g: active_text(g.active)),
        ]), stretch=3)
        self._build_buttons()
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(_("Directory"))
        self.tabs.addTab(self.units_tab, _("&Units"))
        self.tabs.addTab(self.leaders_tab, _("&Leaders"))
        self.tabs.addTab(self.users_tab, _("U&sers"))
        self.tabs.addTab(self.groups_tab, _("Inspection &groups"))
        note = QLabel(_("Units, leaders and users are never deleted: deactivate them instead. "
                        "The county office keeps the directory; other offices read it."))
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addWidget(self.tabs, 1)
        for tab in (self.units_tab, self.leaders_tab, self.users_tab, self.groups_tab):
            tab.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.units_tab.view.doubleClicked.connect(lambda _i: self.edit_unit() if self.may_edit else None)
        self.leaders_tab.view.doubleClicked.connect(lambda _i: self.edit_leader() if self.may_edit else None)
        if self.may_edit:  # Return on a row opens its form, as a double click does
            keyboard.on_return(self.units_tab.view, lambda i: self._edit_row(self.units_tab, i.row(), self.edit_unit))
            keyboard.on_return(self.leaders_tab.view,
                               lambda i: self._edit_row(self.leaders_tab, i.row(), self.edit_leader))
        self.groups_tab.view.doubleClicked.connect(lambda _i: self.edit_group() if self.may_edit else None)
        self.users_tab.view.doubleClicked.connect(lambda _i: self.change_role() if self.may_manage_users else None)
        if self.may_edit:
            keyboard.on_return(self.groups_tab.view,
                               lambda i: self._edit_row(self.groups_tab, i.row(), self.edit_group))
        if self.may_manage_users:  # a user's row opens its role form (the one form a user has)
            keyboard.on_return(self.users_tab.view,
                               lambda i: self._edit_row(self.users_tab, i.row(), self.change_role))
        ctx.changed.connect(self._on_changed)
        self._update_buttons()
        self.reload()

    # ----- building -------------------------------------------------------------------------

    def _build_buttons(self) -> None:
        u, ld, us = self.units_tab, self.leaders_tab, self.users_tab
        self.add_unit_button = u.button(_("&Add unit…"), self.add_unit, needs_row=False)
        self.edit_unit_button = u.button(_("&Edit…"), self.edit_unit)
        self.toggle_unit_button = u.button(_("&Deactivate"), self.toggle_unit)
        self.add_leader_button = ld.button(_("&Add leader…"), self.add_leader, needs_row=False)
        self.edit_leader_button = ld.button(_("&Edit…"), self.edit_leader)
        self.toggle_leader_button = ld.button(_("&Deactivate"), self.toggle_leader)
        self.add_user_button = us.button(_("&Add user…"), self.add_user, needs_row=False)
        self.role_button = us.button(_("Change &role…"), self.change_role)
        self.password_button = us.button(_("Reset &password…"), self.reset_password)
        self.toggle_user_button = us.button(_("&Deactivate"), self.toggle_user)
        gr = self.groups_tab
        self.add_group_button = gr.button(_("&Add group…"), self.add_group, needs_row=False)
        self.edit_group_button = gr.button(_("&Edit…"), self.edit_group)
        self.toggle_group_button = gr.button(_("&Deactivate"), self.toggle_group)
        for b in (self.add_unit_button, self.edit_unit_button, self.toggle_unit_button,
                  self.add_leader_button, self.edit_leader_button, self.toggle_leader_button,
                  self.add_group_button, self.edit_group_button, self.toggle_group_button):
            b.setVisible(self.may_edit)
        for b in (self.add_user_button, self.role_button, self.password_button, self.toggle_user_button):
            b.setVisible(self.may_manage_users)

    def _units_text(self, leader: Leader) -> str:
        return name_list(self._unit_names.get(code, code) for code in leader.units)

    # ----- loading ----------------------------------------------------------------------------

    def reload(self) -> None:
        self.ctx.query(lambda db: (directory.list_units(db), directory.list_leaders(db), directory.list_users(db),
                                   list_groups(db)), alive(self, self._loaded))

    def _loaded(self, lists: tuple[list[Unit], list[Leader], list[User], list[Group]]) -> None:
        units, leaders, users, groups = lists
        self.units = units
        self._unit_names = {u.code: u.name for u in units}
        for tab, rows in ((self.units_tab, units), (self.leaders_tab, leaders), (self.users_tab, users),
                          (self.groups_tab, groups)):
            keep = tab.selected()
            tab.model.set_rows(rows)
            if keep is not None:
                key = _key(keep)
                tab.select(lambda row, key=key: _key(row) == key)
        self._update_buttons()
        self.loaded.emit()

    def _on_changed(self, changes: Changes) -> None:
        if changes.directory:
            self.reload()

    def _update_buttons(self) -> None:
        for tab, toggle in ((self.units_tab, self.toggle_unit_button), (self.leaders_tab, self.toggle_leader_button),
                            (self.users_tab, self.toggle_user_button), (self.groups_tab, self.toggle_group_button)):
            row = tab.selected()
            for b in tab.findChildren(QPushButton):
                if b.property("needs_row"):
                    b.setEnabled(row is not None)
            toggle.setText(_("&Reactivate") if row is not None and not row.active else _("&Deactivate"))

    # ----- forms and writes ---------------------------------------------------------------------

    def open_dialog(self, dialog: QDialog) -> None:
        """Show a form without blocking (tests replace or drive it through `self.dialog`)."""
        self.dialog = dialog
        dialog.open()

    def _form(self, tab: DirectoryTab, dialog: Any, done: str | Callable[[Any], str]) -> None:
        def saved(result: object) -> None:
            tab.say(done(result) if callable(done) else done)
        dialog.saved.connect(saved)
        tab.say("")
        self.open_dialog(dialog)

    def _write(self, tab: DirectoryTab, fn: Callable[[Session], Any], done: str) -> None:
        def failed(exc: Exception) -> None:
            if not isinstance(exc, ClerkError):
                crash.report(exc)
                return
            tab.say(str(exc), error=True)
        tab.say("")
        self.ctx.write(fn, alive(self, lambda _r: tab.say(done)), alive(self, failed))

    def add_unit(self) -> None:
        self._form(self.units_tab, UnitDialog(self.ctx, None, self),
                   lambda u: _("Unit {code} {name} added.").format(code=u.code, name=u.name))

    @staticmethod
    def _edit_row(tab: DirectoryTab, row: int, edit: Callable[[], None]) -> None:
        """The current row (maybe only outlined, not yet selected) is the one edited."""
        tab.view.selectRow(row)
        edit()

    def edit_unit(self) -> None:
        unit = self.units_tab.selected()
        if unit is not None:
            self._form(self.units_tab, UnitDialog(self.ctx, unit, self),
                       _("Unit {code} saved.").format(code=unit.code))

    def toggle_unit(self) -> None:
        unit = self.units_tab.selected()
        if unit is None:
            return
        code, active = unit.code, not unit.active
        done = (_("{name} is active again.") if active else _("{name} is deactivated; it keeps its items, "
                "and no new task can be given to it.")).format(name=unit.name)
        self._write(self.units_tab, lambda s: directory.set_unit_active(s, code, active), done)

    def add_leader(self) -> None:
        self._form(self.leaders_tab, LeaderDialog(self.ctx, self.units, None, self),
                   lambda ld: _("Leader {name} added.").format(name=ld.name))

    def edit_leader(self) -> None:
        leader = self.leaders_tab.selected()
        if leader is not None:
            self._form(self.leaders_tab, LeaderDialog(self.ctx, self.units, leader, self),
                       _("Leader {name} saved.").format(name=leader.name))

    def toggle_leader(self) -> None:
        leader = self.leaders_tab.selected()
        if leader is None:
            return
        name, active = leader.name, not leader.active
        done = (_("{name} is active again.") if active else _("{name} is deactivated.")).format(name=name)
        self._write(self.leaders_tab, lambda s: directory.set_leader_active(s, name, active), done)

    def add_user(self) -> None:
        self._form(self.users_tab, UserDialog(self.ctx, self),
                   lambda u: _("User {name} added.").format(name=u.name))

    def change_role(self) -> None:
        user = self.users_tab.selected()
        if user is not None:
            self._form(self.users_tab, RoleDialog(self.ctx, user, self),
                       _("The role of {name} is saved.").format(name=user.name))

    def reset_password(self) -> None:
        user = self.users_tab.selected()
        if user is not None:
            self._form(self.users_tab, PasswordDialog(self.ctx, user, self),
                       _("{name} has a new password; tell them in person.").format(name=user.name))

    def toggle_user(self) -> None:
        user = self.users_tab.selected()
        if user is None:
            return
        name, active = user.name, not user.active
        done = (_("{name} is active again.") if active else _("{name} is deactivated and can no longer sign in.")
                ).format(name=name)
        self._write(self.users_tab, lambda s: directory.set_user_active(s, name, active), done)

    def add_group(self) -> None:
        self._form(self.groups_tab, GroupDialog(self.ctx, self.units, None, self),
                   lambda _r: _("Inspection group saved."))

    def edit_group(self) -> None:
        group = self.groups_tab.selected()
        if group is not None:
            self._form(self.groups_tab, GroupDialog(self.ctx, self.units, group, self),
                       _("Inspection group {name} saved.").format(name=group.name))

    def toggle_group(self) -> None:
        group = self.groups_tab.selected()
        if group is None:
            return
        name, active = group.name, not group.active
        done = (_("{name} is active again.") if active else _("{name} is deactivated.")).format(name=name)
        self._write(self.groups_tab, lambda s: edit_group(s, name, active=active), done)


def _key(row: Unit | Leader | User | Group) -> str:
    return row.code if isinstance(row, Unit) else row.name


__all__: Sequence[str] = ["DirectoryPage"]
