"""The pages of the main window, in navigation order: adding a page is one entry here.

Each page is a QWidget subclass constructed as `Page(ctx: AppContext, parent)`.
It may define `activate(options: dict)` (called when the window shows it, e.g. the
ledger with a filter from a dashboard click) and reacts to `ctx.changed` itself.
Modules are imported when the page is first shown, so start-up stays fast.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from core.i18n import N_
from ui.shell.context import AppContext


@dataclass(frozen=True)
class PageSpec:
    key: str
    title: str          # an N_() msgid; translated where shown
    factory: str        # "module:Class"
    shortcut: str
    icon: str           # file name in resources/icons
    visible: Callable[[AppContext], bool]


def _always(_ctx: AppContext) -> bool:
    return True


def _hub(ctx: AppContext) -> bool:
    return ctx.is_hub


def _unit(ctx: AppContext) -> bool:
    return not ctx.is_hub


PAGES: tuple[PageSpec, ...] = (
    PageSpec("desk", N_("My items"), "ui.pages.unit_desk:UnitDeskPage", "Ctrl+1", "desk.svg", _unit),
    PageSpec("unit_dashboard", N_("My scores"), "ui.pages.unit_dashboard:UnitDashboardPage", "Ctrl+2",
             "review.svg", _unit),
    PageSpec("dashboard", N_("Dashboard"), "ui.pages.dashboard:DashboardPage", "Ctrl+1", "dashboard.svg", _hub),
    PageSpec("weekly", N_("Weekly assignment"), "ui.pages.weekly:WeeklyPage", "Ctrl+2", "weekly.svg", _hub),
    PageSpec("ledger", N_("Ledger"), "ui.pages.ledger:LedgerPage", "Ctrl+3", "ledger.svg", _always),
    PageSpec("monthly", N_("Monthly review"), "ui.pages.scores.monthly:MonthlyPage", "Ctrl+4", "review.svg", _hub),
    PageSpec("quarterly", N_("Quarterly assessment"), "ui.pages.scores.quarterly:QuarterlyPage", "Ctrl+5",
             "assessment.svg", _hub),
    PageSpec("directory", N_("Units and leaders"), "ui.pages.directory.page:DirectoryPage", "Ctrl+6", "directory.svg",
             _always),
    PageSpec("supervision", N_("Supervision"), "ui.pages.supervision.page:SupervisionPage", "Ctrl+9",
             "inspection.svg", _hub),
    PageSpec("sync", N_("Sync"), "ui.pages.sync:SyncPage", "Ctrl+8", "sync.svg", _always),
    PageSpec("settings", N_("Settings"), "ui.pages.settings.page:SettingsPage", "Ctrl+7", "settings.svg", _always),
)


def visible_pages(ctx: AppContext) -> list[PageSpec]:
    return [p for p in PAGES if p.visible(ctx)]
