"""A line edit that offers units, leaders or any short list as the clerk types (PickerEdit).

Contract (GUI thread only):
- `PickerEdit(index, multi=, prefer=, describe=)` matches what is typed against a
  `core.pinyin_match.MatchIndex` (name, pinyin initials, full pinyin, code) and
  shows the best matches in a list under the field, the first one highlighted.
  The list is a child of the editor's window (it never takes the focus, so the
  keys stay in the field): Up/Down move the highlight, a click picks.
- With `multi`, the text is a list (太公镇、青石镇): the last name is the one
  being typed; a separator (、 , ， ; space) picks the highlighted entry for it
  and starts the next.
- `committed_text()` is what the cell keeps when the editor closes (Tab or
  Enter): each name that is a whole name or a code becomes the canonical name;
  the name being typed becomes the highlighted entry when it matches nothing
  exactly; anything else stays as typed (the grid then shows the problem).
- In single mode, a space picks the highlighted entry, as in a Chinese input method.
- `index` is what it matches against; `set_index(index)` replaces it (the directory changed).
"""
from __future__ import annotations

from collections.abc import Callable, Collection

from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QAbstractItemView, QLineEdit, QListWidget, QListWidgetItem, QWidget

from core.i18n import _
from core.pinyin_match import Entry, MatchIndex, split_names

LIST_SEPARATOR = "、"
SEPARATOR_KEYS = frozenset(",，、;；")
MAX_SHOWN = 12
ENTRY_ROLE = int(Qt.ItemDataRole.UserRole) + 1


def describe_entry(entry: Entry) -> str:
    """The popup's line for an entry: the name, then its code and detail when it has them."""
    extra = " · ".join(x for x in (entry.code, entry.detail) if x)
    return f"{entry.name}    {extra}" if extra else entry.name


class PickerEdit(QLineEdit):
    """See the module contract."""

    picked = Signal(str)   # the name picked from the list

    def __init__(self, index: MatchIndex, *, multi: bool = False, prefer: Collection[str] = (),
                 describe: Callable[[Entry], str] = describe_entry, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._index = index
        self._multi = multi
        self._prefer = frozenset(prefer)
        self._describe = describe
        self._popup: QListWidget | None = None
        self.textEdited.connect(self._on_edited)

    @property
    def index(self) -> MatchIndex:
        return self._index

    def set_index(self, index: MatchIndex) -> None:
        """Match against `index` from now on."""
        self._index = index
        self.hide_popup()

    # ----- the list -------------------------------------------------------------------

    @property
    def popup(self) -> QListWidget:
        """The suggestion list (made on first use, as a child of the editor's window)."""
        if self._popup is None:
            popup = QListWidget(self.window())
            popup.setObjectName("picker_popup")
            popup.setAccessibleName(_("Suggestions"))
            popup.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            popup.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
            popup.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            popup.itemClicked.connect(self._on_clicked)
            popup.hide()
            self.destroyed.connect(popup.deleteLater)
            self._popup = popup
        return self._popup

    def suggestions(self) -> list[str]:
        """The names the list shows now (empty when hidden)."""
        if self._popup is None or not self._popup.isVisible():
            return []
        return [self._popup.item(i).data(ENTRY_ROLE).name for i in range(self._popup.count())]

    def highlighted(self) -> Entry | None:
        """The entry Tab, Enter or a separator would pick, if the list is showing."""
        if self._popup is None or not self._popup.isVisible():
            return None
        item = self._popup.currentItem()
        return item.data(ENTRY_ROLE) if item is not None else None

    def _current_token(self) -> str:
        text = self.text()
        if not self._multi:
            return text.strip()
        if text and text[-1] in SEPARATOR_KEYS | {" "}:
            return ""
        tokens = split_names(text)
        return tokens[-1] if tokens else ""

    def _on_edited(self, _text: str) -> None:
        self.show_matches(self._current_token())

    def show_matches(self, query: str, *, even_empty: bool = False) -> None:
        """Fill the list with the matches of `query` and show it under the field (hide it if none)."""
        if not query and not even_empty:
            self.hide_popup()
            return
        found = self._index.match(query, limit=MAX_SHOWN, prefer=self._prefer)
        if not found:
            self.hide_popup()
            return
        popup = self.popup
        popup.clear()
        for entry in found:
            item = QListWidgetItem(self._describe(entry))
            item.setData(ENTRY_ROLE, entry)
            popup.addItem(item)
        popup.setCurrentRow(0)
        window = self.window()
        origin = self.mapTo(window, QPoint(0, self.height()))
        row_height = popup.sizeHintForRow(0) if popup.sizeHintForRow(0) > 0 else self.fontMetrics().height() + 4
        height = row_height * min(len(found), 8) + 2 * popup.frameWidth()
        width = max(self.width(), 260)
        if origin.y() + height > window.height():      # no room below: open above the field
            origin = self.mapTo(window, QPoint(0, -height))
        popup.setGeometry(min(origin.x(), max(0, window.width() - width)), origin.y(), width, height)
        popup.show()
        popup.raise_()

    def hide_popup(self) -> None:
        if self._popup is not None:
            self._popup.hide()

    # ----- picking --------------------------------------------------------------------

    def _replace_token(self, name: str, *, then_separator: bool) -> None:
        if self._multi:
            tokens = split_names(self.text())
            if self._current_token():
                tokens = tokens[:-1]
            tokens.append(name)
            text = LIST_SEPARATOR.join(tokens) + (LIST_SEPARATOR if then_separator else "")
        else:
            text = name
        self.setText(text)
        self.hide_popup()
        self.picked.emit(name)

    def _on_clicked(self, item: QListWidgetItem) -> None:
        self._replace_token(item.data(ENTRY_ROLE).name, then_separator=self._multi)
        self.setFocus()

    def pick_highlighted(self, *, then_separator: bool = False) -> bool:
        """Put the highlighted entry in place of the name being typed; False when nothing is highlighted."""
        entry = self.highlighted()
        if entry is None or not self._current_token():
            return False
        self._replace_token(entry.name, then_separator=then_separator)
        return True

    def committed_text(self) -> str:
        """What the cell keeps (see the module contract)."""
        if self._current_token() and self.highlighted() is not None \
                and self._index.resolve(self._current_token()) is None:
            self.pick_highlighted()
        if not self._multi:
            hit = self._index.resolve(self.text())
            return hit.name if hit else self.text().strip()
        names = []
        for token in split_names(self.text()):
            hit = self._index.resolve(token)
            names.append(hit.name if hit else token)
        return LIST_SEPARATOR.join(names)

    # ----- keys -----------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt)
        key = event.key()
        visible = self._popup is not None and self._popup.isVisible()
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and visible:
            popup = self.popup
            step = 1 if key == Qt.Key.Key_Down else -1
            popup.setCurrentRow(max(0, min(popup.count() - 1, popup.currentRow() + step)))
            return
        if key == Qt.Key.Key_Down and not visible:
            self.show_matches(self._current_token(), even_empty=True)
            return
        if key == Qt.Key.Key_Escape and visible:
            self.hide_popup()
            return
        typed = event.text()
        if visible and ((self._multi and (typed in SEPARATOR_KEYS or typed == " ")) or
                        (not self._multi and typed == " ")):
            if self.pick_highlighted(then_separator=self._multi):
                return
        super().keyPressEvent(event)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Hide:
            self.hide_popup()
        return super().event(e)
