"""The monthly review page (月点评): a month's scores and ranks per kind, panel scores, publishing.

Contract: `MonthlyPage(ctx, parent)` is a `ScoresPage` over months (default: the
last ended month) with one more tab, the panel-score grid (`PanelGridWidget`:
leaders × units, saved through `core.scoring.store.set_panel_score`). "Print
bulletin…" renders `core.reports.bulletin.render_monthly_bulletin` for the month
shown. Threading: GUI thread only.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from core.i18n import N_, _
from ui.pages.scores.data import ScoresData
from ui.pages.scores.page import ScoresPage
from ui.pages.scores.panel_grid import PanelGridWidget


class MonthlyPage(ScoresPage):
    """月点评 (see the module contract)."""

    quarterly = False
    heading_text = N_("Monthly review")

    def extra_tabs(self) -> list[tuple[str, QWidget]]:
        self.panel = PanelGridWidget(self.ctx)
        return [(_("Panel scores"), self.panel)]

    def show_extra(self, data: ScoresData) -> None:
        if data.grid is not None:
            self.panel.model.set_grid(data.period.key, data.grid)
        self.panel.set_editable(self.writable)

    def print_text(self) -> str:
        return _("Print bulletin…")

    def report_render(self) -> tuple[str, Callable[[Any, Any], Any], str]:
        from core.reports import bulletin  # type: ignore[attr-defined]

        key = self.period
        return (_("Monthly bulletin {period}").format(period=key),
                lambda db, out: bulletin.render_monthly_bulletin(db, out, key),
                _("monthly-bulletin-{period}.pdf").format(period=key))
