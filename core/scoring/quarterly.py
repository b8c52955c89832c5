"""Quarter scores (docs/design.md §6), pure: three months combined, bonuses capped, ranks and rewards.

Contract: `quarter_scores` takes, per unit, its three month scores (the caller
picks each month's published score where published, else the current one) and
the quarter's bonus events; total = sum (or mean) of the months + min(cap, Σ bonuses).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from core.rules.ruleset import QuarterlyRules, RankingRules
from core.scoring.events import ScoreEvent
from core.scoring.monthly import UnitInfo, UnitScore, rank


def combine(months: Sequence[float], how: str) -> float:
    total = sum(months)
    return round(total / len(months) if how == "mean" and months else total, 6)


def quarter_scores(units: Iterable[UnitInfo], months: Mapping[str, Sequence[float]],
                   bonuses: Iterable[ScoreEvent], rates: Mapping[str, tuple[float | None, float | None]],
                   rules: QuarterlyRules, ranking: RankingRules) -> list[UnitScore]:
    by_unit: dict[str, list[ScoreEvent]] = defaultdict(list)
    for e in bonuses:
        if e.points > 0:
            by_unit[e.unit].append(e)
    out = []
    for u in units:
        evs = by_unit.get(u.code, [])
        bonus = round(min(rules.bonus_cap, sum(e.points for e in evs)), 6)
        m = list(months.get(u.code, ()))
        combined = combine(m, rules.combine)
        completion, on_time = rates.get(u.code, (None, None))
        out.append(UnitScore(u.code, u.name, u.kind, round(combined + bonus, 6), combined,
                             completion_rate=completion, on_time_rate=on_time, events=evs, months=m, bonus=bonus))
    return rank(out, ranking, rewards=True)
