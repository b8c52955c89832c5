"""The allowed range of every number in the rule set (评分细则), in one place.

Contract: `LIMITS[path]` is the (least, most) a value of the rule set may take,
keyed by its dotted key (`deadlines.general.days`, `monthly.overdue`). The import
(`parse_ruleset`), the form check (`check_ruleset`) and the bounds of the GUI's
spin boxes all read it, so they cannot disagree. The bounds are generous for a
county's rules and small enough that no date or score computed from them can
overflow: a deadline of a year at most, a warning of a month, points of 100.
Pure data; no I/O.
"""
from __future__ import annotations

MAX_DAYS = 365         # claim, report, general: due after at most a year
MAX_MONTHS = 12        # major: due after at most a year
MAX_WARN_DAYS = 30     # the yellow light starts at most a month before a due
MAX_BASE = 1000.0      # the monthly base score
MAX_POINTS = 100.0     # any one deduction or bonus, and the quarterly bonus cap
MAX_REWARDS = 100      # units flagged for reward per kind

_POINTS = ("late_claim", "late_report", "overdue", "returned", "public_criticism", "finding")
_BONUSES = ("approving_instruction", "commendation", "public_praise", "typical_speech", "bonus_cap")

LIMITS: dict[str, tuple[float, float]] = {
    "deadlines.claim.days": (0, MAX_DAYS),
    "deadlines.report.days": (0, MAX_DAYS),
    "deadlines.general.days": (0, MAX_DAYS),
    "deadlines.major.months": (1, MAX_MONTHS),
    "deadlines.warn_days": (1, MAX_WARN_DAYS),
    "monthly.base": (0, MAX_BASE),
    "monthly.lead_weight": (0, 1),
    "monthly.co_weight": (0, 1),
    "monthly.panel_weight": (0, 1),
    **{f"monthly.{k}": (0, MAX_POINTS) for k in _POINTS},
    **{f"quarterly.{k}": (0, MAX_POINTS) for k in _BONUSES},
    "ranking.township_rewards": (0, MAX_REWARDS),
    "ranking.department_rewards": (0, MAX_REWARDS),
}

MAX_DEPTH = 3  # section, rule, setting: [deadlines] report = { days = 3 }


def limits(key: str) -> tuple[float, float]:
    """The (least, most) of the dotted `key`; KeyError for a key that is not a number of the rule set."""
    return LIMITS[key]
