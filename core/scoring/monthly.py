"""Month scores and ranks (docs/design.md §6), pure: no I/O.

Contract: `month_scores` takes the units, the month's score events (already
restricted to the month), the panel scores and the rates, and returns one
`UnitScore` per unit, ranked within its kind. objective = base + Σ points of the
month's deductions; with panel scores, monthly = (1 − w)·objective + w·panel·10.
`rank` is shared by both periods: ties "shared" (1, 2, 2, 4) or "break" (on-time
rate, then completion rate, then name).
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from core.rules.ruleset import MonthlyRules, RankingRules
from core.scoring.events import ScoreEvent


@dataclass(frozen=True)
class UnitInfo:
    code: str
    name: str
    kind: str


@dataclass
class UnitScore:
    """A unit's score in a period; `events` are those behind its points."""

    unit: str
    name: str
    kind: str
    score: float
    objective: float = 0.0
    panel: float | None = None
    rank: int = 0
    reward: bool = False
    completion_rate: float | None = None
    on_time_rate: float | None = None
    events: list[ScoreEvent] = field(default_factory=list)
    months: list[float] = field(default_factory=list)
    bonus: float = 0.0


def panel_mean(scores: Sequence[float], drop_extremes: bool) -> float | None:
    """The mean panel score; with 3+ scores and drop_extremes, one highest and one lowest dropped."""
    if not scores:
        return None
    kept = sorted(scores)
    if drop_extremes and len(kept) >= 3:
        kept = kept[1:-1]
    return sum(kept) / len(kept)


def month_scores(units: Iterable[UnitInfo], events: Iterable[ScoreEvent], panel: Mapping[str, Sequence[float]],
                 rates: Mapping[str, tuple[float | None, float | None]], rules: MonthlyRules,
                 ranking: RankingRules) -> list[UnitScore]:
    """Each unit's month score, ranked within its kind (reward flags are a quarterly matter)."""
    by_unit: dict[str, list[ScoreEvent]] = defaultdict(list)
    for e in events:
        if e.points < 0:
            by_unit[e.unit].append(e)
    out = []
    for u in units:
        evs = by_unit.get(u.code, [])
        objective = round(rules.base + sum(e.points for e in evs), 6)
        mean = panel_mean(panel.get(u.code, ()), rules.panel_drop_extremes)
        score = objective if mean is None else round(
            (1 - rules.panel_weight) * objective + rules.panel_weight * mean * 10, 6)
        completion, on_time = rates.get(u.code, (None, None))
        out.append(UnitScore(u.code, u.name, u.kind, score, objective, mean, completion_rate=completion,
                             on_time_rate=on_time, events=evs))
    rank(out, ranking)
    return out


def _rate_key(r: float | None) -> float:
    return -1.0 if r is None else r


def rank(scores: list[UnitScore], ranking: RankingRules, *, rewards: bool = False) -> list[UnitScore]:
    """Set `rank` within each kind (and `reward` when asked); sorts `scores` in place by kind and rank."""
    for kind in {s.kind for s in scores}:
        group = sorted((s for s in scores if s.kind == kind),
                       key=lambda s: (-s.score, -_rate_key(s.on_time_rate), -_rate_key(s.completion_rate), s.name))
        for i, s in enumerate(group):
            if ranking.ties == "shared" and i and group[i - 1].score == s.score:
                s.rank = group[i - 1].rank
            else:
                s.rank = i + 1
            if rewards:
                limit = ranking.township_rewards if kind == "township" else ranking.department_rewards
                s.reward = s.rank <= limit
    scores.sort(key=lambda s: (s.kind != "township", s.rank, s.name))
    return scores
