"""The 督查 page's read-only tables: what each shows, in words (no queries here).

Contract (GUI thread only): `make_table(name, accessible, headers, stretch)` a row-selecting,
non-editable QTableWidget; `fill(table, rows, keys)` replaces its rows with `rows` (cell texts)
and keeps `keys[i]` on row i (`key_of(table, row)` gives it back); a cell of a red light is
painted red. The `*_rows` functions turn core.supervision.views records into cell texts.
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from core.format import medium_date, name_list
from core.i18n import _
from core.supervision.kinds import CATEGORY_WORDS, METHOD_WORDS, SEVERITY_WORDS
from core.supervision.people import KIND_WORDS, Person, RecordEntry
from core.supervision.views import STATUS_WORDS, ActionView, FindingView, InspectionView, NailItem, status
from ui.ledger_model import LIGHT_COLORS, STATE_LABELS

KEY_ROLE = int(Qt.ItemDataRole.UserRole) + 1
RED = "#c62828"


def make_table(name: str, accessible: str, headers: Sequence[str], stretch: int) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(list(headers))
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().setVisible(False)
    table.setWordWrap(False)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return table


def fill(table: QTableWidget, rows: Sequence[Sequence[str]], keys: Sequence[Any], red: Sequence[bool] = ()) -> None:
    table.setRowCount(0)
    table.setRowCount(len(rows))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            item = QTableWidgetItem(text)
            item.setData(KEY_ROLE, keys[r])
            if r < len(red) and red[r]:
                item.setForeground(QBrush(QColor(RED)))
            table.setItem(r, c, item)


def key_of(table: QTableWidget, row: int) -> Any:
    item = table.item(row, 0)
    return None if item is None else item.data(KEY_ROLE)


def inspection_rows(items: Sequence[InspectionView], names: dict[str, str]) -> list[list[str]]:
    return [[medium_date(i.on), i.group, _(METHOD_WORDS[i.method]), name_list(names.get(u, u) for u in i.units),
             name_list(i.tasks), str(i.findings), i.text.replace("\n", " ")] for i in items]


def rectification_text(f: FindingView) -> str:
    r = f.rectification
    if r is None:
        return _("No rectification task")
    return _("{ref}: {state}, due {due} ({status})").format(
        ref=r.ref, state=_(STATE_LABELS[r.state]), due=medium_date(r.due), status=_(STATUS_WORDS[status(f)]))


def finding_rows(items: Sequence[FindingView]) -> tuple[list[list[str]], list[bool]]:
    rows = [[f.unit_name, _(SEVERITY_WORDS[f.severity]) if f.severity else "—", f.text.replace("\n", " "),
             f.person or "—", _("Yes") if f.deduct else _("No"), rectification_text(f)] for f in items]
    return rows, [bool(f.rectification and f.rectification.light == "red") for f in items]


def nail_rows(items: Sequence[NailItem]) -> list[list[str]]:
    return [[n.task_no, n.title, str(n.times), name_list(medium_date(d) for d in n.inspected_on),
             name_list(f"{r.ref} {_(STATE_LABELS[r.state])}" for r in n.open)] for n in items]


def action_rows(items: Sequence[ActionView]) -> list[list[str]]:
    return [[medium_date(a.on), a.unit_name, _(KIND_WORDS[a.kind]), a.person or "—", a.text.replace("\n", " ")]
            for a in items]


def people_rows(items: Sequence[Person]) -> list[list[str]]:
    return [[p.name, p.unit_name, p.post or "—"] for p in items]


def record_rows(items: Sequence[RecordEntry]) -> list[list[str]]:
    return [[medium_date(e.on), _(CATEGORY_WORDS[e.category]), _(KIND_WORDS[e.kind]), e.text.replace("\n", " "),
             e.source] for e in items]


def light_color(light: str | None) -> str:
    return LIGHT_COLORS.get(light or "", "#000000")
