"""The main window's actions in one registry: texts with mnemonics, standard shortcuts, menus.

Contract:
- `STANDARD` declares the shell's own actions; `ActionRegistry(window, can_write, office_role=...)`
  creates a QAction for each (object name = the key, status tip, shortcut with
  window context) and puts it in its menu (`MENUS` order: File, View, Help).
  `connect(key, slot)` wires one up; `action(key)` finds it.
- Page actions (`add_page`) go in the View menu, checkable and exclusive, with the
  page's shortcut from ui.pages (Ctrl+1 … Ctrl+5).
- A spec with `write=True` is hidden and disabled when the user may not write
  (a viewer sees no write action anywhere; pages check `ctx.can_write` themselves).
- A spec with `hub=True` is the county office's own (importing a ledger assigns
  tasks): hidden and disabled in a unit office, whoever signs in.
- `retranslate()` sets every menu title, action text and tip again from its msgid
  (after a language switch, ui.shell.language); actions, shortcuts and connections stay.
- `button(key)` makes a tool button for an action with its accessible name set,
  for pages that want one beside their own controls.
Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QActionGroup, QIcon, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolButton, QWidget

from core.i18n import N_, _

MENUS: tuple[tuple[str, str], ...] = (("file", N_("&File")), ("view", N_("&View")), ("help", N_("&Help")))


@dataclass(frozen=True)
class ActionSpec:
    key: str
    text: str                 # N_() msgid, with its & mnemonic
    menu: str                 # a key of MENUS
    tip: str                  # N_() msgid: status tip and tooltip
    shortcut: str = ""        # portable text, e.g. "Ctrl+Q", "F5"; several separated by ";" ("F6;Ctrl+Down")
    write: bool = False       # changes the office's data: hidden for a viewer
    role: QAction.MenuRole = QAction.MenuRole.NoRole
    separator_before: bool = False
    hub: bool = False         # the county office's own (assigning): hidden in a unit office


STANDARD: tuple[ActionSpec, ...] = (
    ActionSpec("backup_now", N_("&Back up now"), "file", N_("Back up the office database into the backup folder now"),
               write=True),
    ActionSpec("import_xlsx", N_("&Import ledger from Excel…"), "file",
               N_("Add the assignments of an existing ledger kept in an Excel file, after a dry run"), write=True,
               separator_before=True, hub=True),
    ActionSpec("export_xlsx", N_("&Export ledger to Excel…"), "file",
               N_("Save the ledger as the Ledger page filters and sorts it to an Excel file"), "Ctrl+E"),
    ActionSpec("print_ledger", N_("&Print ledger…"), "file",
               N_("Preview and print the ledger as the Ledger page filters and sorts it"), "Ctrl+P"),
    ActionSpec("quit", N_("E&xit"), "file", N_("Close Closeloop"), "Ctrl+Q", role=QAction.MenuRole.QuitRole,
               separator_before=True),
    ActionSpec("refresh", N_("&Refresh"), "view", N_("Read the shown page again from the database"), "F5",
               separator_before=True),
    ActionSpec("find", N_("&Find"), "view", N_("Go to the search box of the shown page"), "Ctrl+F"),
    ActionSpec("focus_table", N_("Go to the &table"), "view", N_("Go to the table or list of the shown page"),
               "F6;Ctrl+Down"),
    ActionSpec("manual", N_("User &manual"), "help",
               N_("How to use Closeloop: the first run, the weekly routine, the reviews, sync, printing, "
                  "backups and what each error means"), "F1"),
    ActionSpec("about", N_("&About Closeloop"), "help",
               N_("Versions, and where the database, the log and the backups are"),
               role=QAction.MenuRole.AboutRole, separator_before=True),
)


def plain(text: str) -> str:
    """A menu text without its mnemonic marker ('E&xit' → 'Exit'; '&&' stays '&')."""
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


class ActionRegistry:
    """Creates and holds the window's actions (see the module contract)."""

    def __init__(self, window: QMainWindow, can_write: bool, *, office_role: str = "hub") -> None:
        self.window = window
        self.can_write = can_write
        self.office_role = office_role
        self.menus: dict[str, QMenu] = {}
        self._actions: dict[str, QAction] = {}
        self._specs: dict[str, ActionSpec] = {}
        self.pages = QActionGroup(window)
        self.pages.setExclusive(True)
        bar = window.menuBar()
        for key, title in MENUS:
            menu = bar.addMenu(_(title))
            menu.setObjectName(f"menu_{key}")
            self.menus[key] = menu
        self._page_anchor: QAction | None = None
        for spec in STANDARD:
            self.add(spec)

    def add(self, spec: ActionSpec, slot: Callable[[], object] | None = None, icon: QIcon | None = None,
            before: QAction | None = None) -> QAction:
        """Create the action of `spec` in its menu (before `before` if given)."""
        action = QAction(_(spec.text), self.window)
        action.setObjectName(spec.key)
        action.setStatusTip(_(spec.tip))
        action.setToolTip(_(spec.tip))
        action.setMenuRole(spec.role)
        if icon is not None:
            action.setIcon(icon)
        if spec.shortcut:
            action.setShortcuts([QKeySequence(k) for k in spec.shortcut.split(";")])
        hidden = self._hidden(spec)
        if hidden:
            action.setVisible(False)
            action.setEnabled(False)
        menu = self.menus[spec.menu]
        if spec.separator_before and not menu.isEmpty():
            sep = menu.insertSeparator(before) if before else menu.addSeparator()
            if hidden:
                sep.setVisible(False)
        if before is not None:
            menu.insertAction(before, action)
        else:
            menu.addAction(action)
        self.window.addAction(action)  # shortcuts work even with the menu bar hidden
        if slot is not None:
            action.triggered.connect(slot)
        self._actions[spec.key] = action
        self._specs[spec.key] = spec
        return action

    def _hidden(self, spec: ActionSpec) -> bool:
        """A write action for a user who may not write, or the county office's own in a unit office."""
        return (spec.write and not self.can_write) or (spec.hub and self.office_role != "hub")

    def add_page(self, key: str, title: str, shortcut: str, icon: QIcon, slot: Callable[[], object]) -> QAction:
        """A View-menu entry that shows page `key` (title: N_() msgid), above Refresh."""
        before = self._actions.get("refresh")
        spec = ActionSpec(f"page_{key}", title, "view", N_("Show this page"), shortcut)
        action = self.add(spec, slot, icon, before=before)
        action.setCheckable(True)
        self.pages.addAction(action)
        return action

    def retranslate(self) -> None:
        """Every menu title, action text, status tip and tooltip in the active language (see the contract)."""
        for key, title in MENUS:
            self.menus[key].setTitle(_(title))
        for key, spec in self._specs.items():
            action = self._actions[key]
            action.setText(_(spec.text))
            action.setStatusTip(_(spec.tip))
            action.setToolTip(_(spec.tip))

    def connect(self, key: str, slot: Callable[[], object]) -> QAction:
        action = self._actions[key]
        action.triggered.connect(slot)
        return action

    def action(self, key: str) -> QAction:
        return self._actions[key]

    def keys(self) -> list[str]:
        return list(self._actions)

    def write_keys(self) -> list[str]:
        """The keys of the actions that change data (hidden for a viewer)."""
        return [k for k, spec in self._specs.items() if spec.write]

    def button(self, key: str, parent: QWidget | None = None) -> QToolButton:
        """A tool button for the action `key`, named for assistive technology."""
        action = self._actions[key]
        button = QToolButton(parent)
        button.setDefaultAction(action)
        button.setAccessibleName(plain(action.text()))
        return button
