"""The ledger's unit choice: a combo whose field takes a name, its pinyin initials or a code.

Contract (GUI thread only):
- `UnitFilterCombo()` is an editable QComboBox whose items the filter bar fills (item 0
  "All units" with data None, then one item per unit with its code as data); its field
  is the weekly grid's `PickerEdit` (ui.unit_completer), so tgz, taigong, 太公 or TGZ
  offer 太公镇; Up and Down walk the suggestions (Alt+Down opens the combo's own list).
  Space, Return or a click on a suggestion chooses that unit's item;
  `set_units(units)` gives the picker the directory's units.
- When the field is left (Return, Tab, a click elsewhere), its text settles: empty
  (or "All units") chooses item 0; a unit's name, code or a highlighted suggestion
  chooses that unit; anything else goes back to the chosen item's text. The choice
  itself is the combo's `currentIndexChanged`, as with a plain combo.
"""
from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QWidget

from core.directory import Unit
from core.pinyin_match import MatchIndex, unit_index
from ui.unit_completer import PickerEdit

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class _UnitField(PickerEdit):
    """Return takes the highlighted suggestion first, as Tab does in the weekly grid."""

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        if event.key() in _ENTER and self.highlighted() is not None:
            self.pick_highlighted()
        super().keyPressEvent(event)


class UnitFilterCombo(QComboBox):
    """See the module contract."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.field = _UnitField(MatchIndex([]), parent=self)
        self.field.setObjectName("unitFilterField")
        self.setLineEdit(self.field)
        self.setCompleter(None)  # the picker's list, not Qt's prefix completer
        self.field.picked.connect(self._choose_name)
        self.field.editingFinished.connect(self._settle)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        """Up and Down walk the suggestions (Alt+Down still opens the combo's list); Esc closes them."""
        plain = not event.modifiers() & Qt.KeyboardModifier.AltModifier
        if plain and (event.key() in (Qt.Key.Key_Up, Qt.Key.Key_Down)
                      or (event.key() == Qt.Key.Key_Escape and self.field.highlighted() is not None)):
            self.field.keyPressEvent(event)
            return
        super().keyPressEvent(event)

    def set_units(self, units: Iterable[Unit]) -> None:
        self.field.set_index(unit_index(units))

    def _choose_code(self, code: str | None) -> None:
        index = self.findData(code) if code is not None else 0
        if index >= 0:
            self.setCurrentIndex(index)
        self.setEditText(self.itemText(self.currentIndex()))

    @Slot(str)
    def _choose_name(self, name: str) -> None:
        hit = self.field.index.resolve(name)
        if hit is not None:
            self._choose_code(hit.key)

    @Slot()
    def _settle(self) -> None:
        text = self.field.text().strip()
        if not text or text == self.itemText(0):
            self._choose_code(None)
            return
        if text == self.itemText(self.currentIndex()):
            return
        hit = self.field.index.resolve(text)
        if hit is None and self.field.pick_highlighted():
            return  # picked: `_choose_name` chose it
        self._choose_code(hit.key if hit is not None else self.currentData())
