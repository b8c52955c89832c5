"""Monthly review and quarterly assessment (docs/design.md §6): events, scores, ranks, publications.

The functions the score pages call are importable from here (loaded on first use):
writes `add_bonus`, `add_criticism`, `add_finding`, `set_panel_score` (store),
`save_rules` (rules_edit); reads `list_entries`, `panel_grid` (listing),
`affected_periods`, `check_rules` (rules_edit).
"""
from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "add_bonus": "store", "add_criticism": "store", "add_finding": "store", "set_panel_score": "store",
    "Entry": "listing", "list_entries": "listing", "PanelGrid": "listing", "panel_grid": "listing",
    "save_rules": "rules_edit", "check_rules": "rules_edit", "affected_periods": "rules_edit",
    "AffectedPeriod": "rules_edit",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(name)
    return getattr(import_module(f"core.scoring.{module}"), name)


__all__ = list(_EXPORTS)
