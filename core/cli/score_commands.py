"""The scoring commands: score (month, quarter, explain, reopen), bonus, criticism, finding, panel.

Thin over core.scoring: parse the arguments, call the core, print the result.
"""
from __future__ import annotations

import argparse

from core.cli import terminal as out
from core.dates import parse_date
from core.format import percent
from core.i18n import _
from core.office import Session
from core.scoring import publish, service, store
from core.scoring.monthly import UnitScore
from core.scoring.periods import month_period, parse_period, quarter_period


def points(value: float) -> str:
    from core.format import number

    return number(value, "#,##0.##")


def _row(x: UnitScore, quarter: bool) -> dict[str, object]:
    row: dict[str, object] = {"unit": x.unit, "name": x.name, "kind": x.kind, "score": x.score, "rank": x.rank,
                              "reward": x.reward, "completion_rate": x.completion_rate,
                              "on_time_rate": x.on_time_rate}
    if quarter:
        row.update(months=x.months, bonus=x.bonus)
    return row


def cmd_score(s: Session, a: argparse.Namespace) -> int:
    if a.action == "reopen":
        publish.reopen(s, a.period, a.reason)
        out.say(_("The period {period} is reopened; its publication stays on record.").format(
            period=parse_period(a.period).key))
        return 0
    if a.action == "explain":
        return _explain(s, a)
    quarter = a.action == "quarter"
    p = quarter_period(a.period) if quarter else month_period(a.period)
    as_of = parse_date(a.as_of, what="--as-of") if getattr(a, "as_of", None) else s.today
    if a.publish:
        publish.publish(s, p.key)
    pub = service.current_publication(s.db, p.key)
    scores = pub.scores if pub else service.compute(s.db, p, as_of)
    if a.json:
        out.print_json([_row(x, quarter) for x in scores])
        return 0
    head = [_("Rank"), _("Code"), _("Unit"), _("Kind"), _("Score")]
    head += [_("Months"), _("Bonus"), _("Reward")] if quarter else []
    head += [_("Completion rate"), _("On-time rate")]
    kinds = {"township": _("township"), "department": _("department")}
    rows = []
    for x in scores:
        row: list[object] = [x.rank, x.unit, x.name, kinds[x.kind], points(x.score)]
        if quarter:
            row += [" / ".join(points(m) for m in x.months), points(x.bonus), _("yes") if x.reward else ""]
        rows.append(row + [percent(x.completion_rate), percent(x.on_time_rate)])
    out.print_table(head, rows)
    if pub:
        out.say(_("Published {when} by {user} (version {version}, rule set {rules}).").format(
            when=pub.published_at[:19], user=pub.user, version=pub.version, rules=pub.rules_version))
    else:
        out.say(_("Not published; scores as of {date}.").format(date=as_of.isoformat()))
    return 0


def _explain(s: Session, a: argparse.Namespace) -> int:
    score, lines = publish.explain(s.db, a.unit, a.period, s.today)
    if a.json:
        out.print_json({"unit": score.unit, "period": parse_period(a.period).key, "score": score.score,
                        "lines": [{"date": x.on, "kind": x.kind, "ref": x.ref, "title": x.title or None,
                                   "role": x.role, "points": x.points, "text": x.text} for x in lines]})
        return 0
    roles = {"lead": _("lead"), "co": _("co")}
    out.print_table([_("Date"), _("What"), _("Task"), _("Task title"), _("Role"), _("Points")],
                    [(x.on.isoformat() if x.on else "", x.text, x.ref, x.title, roles.get(x.role or "", ""),
                      points(x.points)) for x in lines], max_width=50)
    out.say(_("{code} {name}: {score} points.").format(code=score.unit, name=score.name, score=points(score.score)))
    return 0


def cmd_bonus(s: Session, a: argparse.Namespace) -> int:
    changes = store.add_bonus(s, a.unit, a.kind, parse_date(a.on, what="--on"), a.text, a.person, a.attach)
    out.say(_("Bonus recorded for {code}.").format(code=a.unit.upper()))
    for note in changes.notes:
        out.say(note)
    return 0


def cmd_criticism(s: Session, a: argparse.Namespace) -> int:
    changes = store.add_criticism(s, a.unit, parse_date(a.on, what="--on"), a.text, a.person, a.attach)
    out.say(_("Public criticism recorded for {code}.").format(code=a.unit.upper()))
    for note in changes.notes:
        out.say(note)
    return 0


def cmd_panel(s: Session, a: argparse.Namespace) -> int:
    store.set_panel_score(s, a.month, a.leader, a.unit, a.score)
    out.say(_("Panel score {score} by {leader} for {code} in {month} recorded.").format(
        score=points(a.score), leader=a.leader, code=a.unit.upper(), month=month_period(a.month).key))
    return 0
