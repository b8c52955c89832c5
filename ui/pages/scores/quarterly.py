"""The quarterly assessment page (季考核): a quarter's totals, bonuses, ranks and rewards per kind, publishing.

Contract: `QuarterlyPage(ctx, parent)` is a `ScoresPage` over quarters (default:
the last ended quarter); its tables add the three month scores, the capped bonus
and the reward flag, and one more tab lists the quarter's bonuses, criticism and
findings with buttons to add them (`EntriesWidget`). "Print results…" renders
`core.reports.quarterly_result.render_quarterly_result` for the quarter shown.
Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from core.i18n import N_, _
from ui.pages.scores.data import ScoresData
from ui.pages.scores.entries import EntriesWidget
from ui.pages.scores.page import ScoresPage


class QuarterlyPage(ScoresPage):
    """季考核 (see the module contract)."""

    quarterly = True
    heading_text = N_("Quarterly assessment")

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        self.entries = EntriesWidget(self.ctx)
        self.entries.unit_clicked.connect(self.show_unit)
        self.entries.message.connect(self.show_message)
        return [(_("Bonuses and criticism"), self.entries)]

    def show_extra(self, data: ScoresData) -> None:
        self.entries.set_entries(data.entries)
        self.entries.set_editable(self.writable)

    def print_text(self) -> str:
        return _("Print results…")

    def report_render(self) -> tuple[str, Callable[[Any, Any], Any], str]:
        from core.reports import quarterly_result  # type: ignore[attr-defined]

        key = self.period
        return (_("Quarterly results {period}").format(period=key),
                lambda db, out: quarterly_result.render_quarterly_result(db, out, key),
                _("quarterly-results-{period}.pdf").format(period=key))
