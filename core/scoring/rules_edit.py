"""Editing the rule set in a form: checking every value, saving a version, and what a change would affect.

Contract:
- `check_rules(rules)` raises `UsageError` naming the key of the first bad value
  (`monthly.co_weight is a weight and must be between 0 and 1; found 1.5.`), with
  the same checks as `rules import` (parse_ruleset), without a line number.
- `save_rules(s, rules)` saves the whole rule set as version n+1 (hub; clerk or
  admin; one transaction; audited as `rules_edit` with the keys that changed) and
  returns (version in force, Changes). Equal to the rules in force: nothing saved,
  an empty `Changes()`. New deadlines apply to tasks assigned from then on; the
  scoring sections apply to every period not published.
- `affected_periods(db, rules, as_of)` lists each month and quarter, from the
  first month with assignments to the one holding `as_of`, in which some unit's
  score, rank or reward under `rules` differs from now. A published period is
  frozen and will NOT change: it is listed (published=True) when `rules` would
  give numbers other than its snapshot's (and other than today's: periods the change
  does not touch are not listed). Quick (one pass over the status cache,
  not a fold of every assignment); a read, run on the worker in the GUI.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import sqlite_utils

from core.errors import UsageError
from core.i18n import _
from core.office import Changes, Session
from core.rules.ruleset import (
    SECTIONS,
    RuleSet,
    current_ruleset,
    parse_ruleset,
    ruleset_to_toml,
    save_ruleset,
)
from core.rules.ruleset import check_ruleset as check_rules
from core.rules.ruleset import normalized_ruleset as _normalized
from core.scoring.events import ScoreEvent, UnitEntry, lifecycle_events, unit_events, weight
from core.scoring.monthly import UnitScore, month_scores
from core.scoring.periods import Period, month_period, quarter_period
from core.scoring.quarterly import quarter_scores
from core.scoring.service import (
    ENTRY_COUNTS,
    ENTRY_TABLES,
    Publication,
    _rates,
    _units,
    current_publication,
)
from core.work.status import current_rules, load_events, start_statuses

# ---------------------------------------------------------------- checking and saving


def save_rules(s: Session, rules: RuleSet) -> tuple[int, Changes]:
    """Save `rules` as the next rule-set version (see the module contract)."""
    check_rules(rules)
    rules = _normalized(rules)
    s.require_hub()
    with s.write():
        version, current = current_ruleset(s.db)
        if current == rules:
            return version, Changes()
        text = ruleset_to_toml(rules)
        if parse_ruleset(text) != rules:  # the form's values must survive the round trip
            raise UsageError(_("The rule set cannot be saved as written; check the values and save again."))
        new = save_ruleset(s.db, text, s.user.name, s.office.uuid)
        s.audit("rules_edit", ref=str(new), changed=_differences(current, rules))
    return new, Changes(rules=True)


def _differences(old: RuleSet, new: RuleSet) -> dict[str, list[object]]:
    out: dict[str, list[object]] = {}
    for name in SECTIONS:
        a, b = getattr(old, name), getattr(new, name)
        for f in dataclasses.fields(a):
            x, y = getattr(a, f.name), getattr(b, f.name)
            if x != y:
                out[f"{name}.{f.name}"] = [_plain(x), _plain(y)]
    return out


def _plain(value: object) -> object:
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value  # type: ignore[arg-type]


# ---------------------------------------------------------------- affected periods


@dataclass(frozen=True)
class AffectedPeriod:
    """A period whose numbers `rules` would change; published ones stay frozen (they will NOT change)."""

    period: str            # 'YYYY-MM' or 'YYYY-Qn'
    published: bool
    units_changed: int     # units whose score, rank or reward would differ (from the snapshot, if published)


@dataclass
class _History:
    """Everything the scores of every period need, read once."""

    as_of: dt.date
    first: dt.date                  # the first day of the first month with assignments
    months: list[Period]            # its quarter's first month .. the end of as_of's quarter
    quarters: list[Period]
    deductions: dict[str, dict[tuple[str, str, str | None], int]]   # month -> (unit, kind, role) -> how many
    entries: dict[str, list[UnitEntry]]     # month -> criticism, findings and bonuses
    panel: dict[str, dict[str, list[float]]]
    published: dict[str, Publication]


def _months_between(first: dt.date, last: dt.date) -> list[Period]:
    out, y, m = [], first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(month_period(f"{y}-{m:02d}"))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _history(db: sqlite_utils.Database, as_of: dt.date) -> _History | None:
    row = db.execute("SELECT MIN(t.assigned_on) FROM task t JOIN assignment a ON a.task_id = t.id").fetchone()
    if row[0] is None:
        return None
    first = dt.date.fromisoformat(row[0])
    first = dt.date(first.year, (first.month - 1) // 3 * 3 + 1, 1)  # its quarter's first month
    end = quarter_period(f"{as_of.year}-Q{(as_of.month - 1) // 3 + 1}").last
    months = _months_between(first, end)
    quarters = []
    for p in months:
        q = quarter_period(f"{p.first.year}-Q{(p.first.month - 1) // 3 + 1}")
        if not quarters or quarters[-1].key != q.key:
            quarters.append(q)
    last = months[-1].last
    h = _History(as_of, dt.date.fromisoformat(row[0]).replace(day=1), months, quarters,
                 _deductions(db, as_of, last), defaultdict(list), defaultdict(dict), {})
    for table, kind in ENTRY_TABLES:
        for code, on, k in db.execute(
                f"SELECT u.code, x.date, {'x.kind' if kind is None else repr(kind)} FROM {table} x "
                "JOIN unit u ON u.id = x.unit_id WHERE x.date BETWEEN ? AND ?" + ENTRY_COUNTS.get(table, ""),
                [first.isoformat(), last.isoformat()]):
            h.entries[on[:7]].append(UnitEntry(code, dt.date.fromisoformat(on), k))
    for key, code, score in db.execute(
            "SELECT ps.month, u.code, ps.score FROM panel_score ps JOIN unit u ON u.id = ps.unit_id "
            "WHERE ps.id IN (SELECT MAX(id) FROM panel_score GROUP BY month, leader_id, unit_id)"):
        h.panel[key].setdefault(code, []).append(float(score))
    for (key,) in db.execute("SELECT DISTINCT period FROM publication WHERE reopened_reason IS NULL "
                             "AND superseded_by IS NULL"):
        pub = current_publication(db, key)
        if pub:
            h.published[key] = pub
    return h


Counts = dict[str, dict[tuple[str, str, str | None], int]]   # month -> (unit, kind, role) -> how many


def _deductions(db: sqlite_utils.Database, as_of: dt.date, last: dt.date) -> Counts:
    """Each month's deductions from the lifecycle, counted per (unit, kind, role), as of `as_of`.

    The same deductions as `events.lifecycle_events`, read from the status cache (the fold of
    all events) for the assignments whose events all fall on or before `as_of` and whose
    return events all applied (the cache's count of returns equals them); the others (few
    or none) are folded as `service.lifecycle` does.
    """
    counts: Counts = defaultdict(lambda: defaultdict(int))
    when = as_of.isoformat()
    later = {r[0] for r in db.execute("SELECT DISTINCT assignment_id FROM event WHERE effective_date > ?", [when])}
    returns: dict[int, list[str]] = defaultdict(list)
    for aid, on in db.execute("SELECT assignment_id, effective_date FROM event WHERE kind = 'return'"):
        returns[aid].append(on)
    fold: list[tuple[int, str, str, str]] = []

    def missed(done: str | None, due: str) -> bool:
        return done > due if done is not None else due < when

    for (aid, code, role, ref, state, claim_due, report_due, due, claimed, reported, submitted,
         n_returns) in db.execute(
            "SELECT a.id, u.code, a.role, t.task_no || '/' || u.code, s.state, s.claim_due, s.report_due, s.due, "
            "s.claimed_on, s.first_report_on, s.submitted_on, s.returns FROM assignment a "
            "JOIN task t ON t.id = a.task_id JOIN unit u ON u.id = a.unit_id "
            "LEFT JOIN assignment_status s ON s.assignment_id = a.id WHERE t.assigned_on <= ?", [last.isoformat()]):
        if state is None or aid in later or len(returns.get(aid, ())) != n_returns:
            fold.append((aid, code, role, ref))
            continue
        if state == "cancelled":
            continue
        for kind, done, on in (("late_claim", claimed, claim_due), ("late_report", reported, report_due),
                               ("overdue", submitted, due)):
            if missed(done, on):
                counts[on[:7]][(code, kind, role)] += 1
        for on in returns.get(aid, ()):
            counts[on[:7]][(code, "returned", role)] += 1
    if fold:
        ids = [f[0] for f in fold]
        starts, events = start_statuses(db, ids), load_events(db, ids)
        unit_rules = dataclasses.replace(RuleSet().monthly, lead_weight=1.0, co_weight=1.0, late_claim=1.0,
                                         late_report=1.0, overdue=1.0, returned=1.0)
        for aid, code, role, ref in fold:
            for e in lifecycle_events(code, ref, role, starts[aid][0], events.get(aid, ()), as_of, unit_rules):
                counts[e.on.isoformat()[:7]][(code, e.kind, role)] += 1
    return counts


def _month(h: _History, p: Period, rules: RuleSet, units: list[Any],
           rates: dict[str, tuple[float | None, float | None]]) -> list[UnitScore]:
    m = rules.monthly
    events = [ScoreEvent(code, p.first, kind, "", role, round(-getattr(m, kind) * weight(m, role or "lead"), 6) * n,
                         "") for (code, kind, role), n in h.deductions.get(p.key, {}).items()]
    events += [e for e in unit_events(h.entries.get(p.key, ()), m, rules.quarterly) if e.points < 0]
    return month_scores(units, events, h.panel.get(p.key, {}), rates, m, rules.ranking)


def _quarter(h: _History, q: Period, rules: RuleSet, units: list[Any], months: dict[str, list[UnitScore]],
             rates: dict[str, tuple[float | None, float | None]]) -> list[UnitScore]:
    by_unit: dict[str, list[float]] = defaultdict(list)
    for m in q.months():
        pub = h.published.get(m.key)
        for s in pub.scores if pub else months[m.key]:
            by_unit[s.unit].append(s.score)
    entries = [e for m in q.months() for e in h.entries.get(m.key, ())]
    bonuses = [e for e in unit_events(entries, rules.monthly, rules.quarterly) if e.points > 0]
    return quarter_scores(units, by_unit, bonuses, rates, rules.quarterly, rules.ranking)


def period_scores(db: sqlite_utils.Database, rules: RuleSet, as_of: dt.date, *,
                  rates: bool = True) -> dict[str, list[UnitScore]]:
    """Every period's scores under `rules`, computed (not the snapshots), as `service.compute` gives them.

    `rates`: read each period's rates (only the tie-break on them needs them).
    """
    h = _history(db, as_of)
    return _all_scores(db, h, rules, as_of, rates)[0] if h else {}


def _all_scores(db: sqlite_utils.Database, h: _History, rules: RuleSet, as_of: dt.date, with_rates: bool,
                rates_cache: dict[str, dict[str, tuple[float | None, float | None]]] | None = None,
                ) -> tuple[dict[str, list[UnitScore]], dict[str, dict[str, tuple[float | None, float | None]]]]:
    units = _units(db)
    cache = rates_cache if rates_cache is not None else {}

    def rates(p: Period) -> dict[str, tuple[float | None, float | None]]:
        if not with_rates:
            return {}
        if p.key not in cache:
            cache[p.key] = _rates(db, p, as_of)
        return cache[p.key]

    out: dict[str, list[UnitScore]] = {}
    for p in h.months:
        out[p.key] = _month(h, p, rules, units, rates(p))
    for q in h.quarters:
        out[q.key] = _quarter(h, q, rules, units, out, rates(q))
    return out, cache


def _changed(a: list[UnitScore], b: list[UnitScore]) -> int:
    """How many units found in both have another score, rank or reward."""
    old = {x.unit: x for x in b}
    return sum(1 for x in a if (y := old.get(x.unit)) is not None and (
        abs(x.score - y.score) > 5e-6 or x.rank != y.rank or x.reward != y.reward))


def affected_periods(db: sqlite_utils.Database, rules: RuleSet, as_of: dt.date) -> list[AffectedPeriod]:
    """The periods `rules` would change (see the module contract), oldest first, each month before its quarter."""
    _version, current = current_rules(db)
    rules = _normalized(rules)
    same = all(getattr(current, n) == getattr(rules, n) for n in ("monthly", "quarterly", "ranking"))
    h = None if same else _history(db, as_of)
    if h is None:
        return []
    with_rates = "break" in (current.ranking.ties, rules.ranking.ties)
    now, cache = _all_scores(db, h, current, as_of, with_rates)
    new, _cache = _all_scores(db, h, rules, as_of, with_rates, cache)
    last = month_period(f"{as_of.year}-{as_of.month:02d}")
    out = []
    for p in h.months + h.quarters:
        if p.first > last.first or p.last < h.first:
            continue  # months after as_of's and before the first assignment (computed for their quarter)
        pub = h.published.get(p.key)
        if pub is not None:
            n = _changed(new[p.key], pub.scores) if _changed(new[p.key], now[p.key]) else 0
        else:
            n = _changed(new[p.key], now[p.key])
        if n:
            out.append(AffectedPeriod(p.key, pub is not None, n))
    out.sort(key=lambda x: (_period_last(x.period), x.period.count("Q")))
    return out


def _period_last(key: str) -> dt.date:
    return (quarter_period(key) if "Q" in key else month_period(key)).last


__all__ = ["AffectedPeriod", "affected_periods", "check_rules", "period_scores", "save_rules"]
