"""The settings a clerk changes in a form: deadline rules, the holiday calendar, backups.

Contract (every function runs on the caller's thread, with its connection; the
GUI calls them through `ctx.query` / `ctx.write` on the worker):
- `current_deadlines(db)` → the rule-set version in force and its `Deadlines`;
  `rules_info(db)` adds who saved that version and when.
- `save_deadlines(s, deadlines)` validates the form's values in a clerk's words,
  writes a new TOML (the current rule set with `[deadlines]` replaced), checks it
  with `parse_ruleset` and saves it as version n+1 (hub; clerk or admin), audited
  as `rules_edit`. It applies to tasks assigned from then on (each task keeps the
  version it was assigned under); `warn_days` applies to the lights at once.
  Returns (version in force, Changes); values equal to the current ones save
  nothing and return an empty `Changes()`.
- `holiday_year(db, year)` → what the calendar holds for a year.
- `preview_notice(db, preview)` → the `NoticePlan`: each day the notice would
  change against what is stored, and the days kept from amendments in force.
- `import_notice(s, preview, source, expected)` saves a parsed State Council
  notice (or amendment) and recomputes the dues of the assignments it moves, in
  one transaction, audited as `calendar_import` with the changed days; with
  `expected` (the diff shown) it refuses if the calendar moved since (the CLI and
  the settings page both call it).
- `back_up_now(s)` and `restore_backup(s, source, password)`: a backup into the
  policy's folder (audited), and a restore after a safety backup (administrator
  only, confirming with their password), both through core.backup, returning
  what changed: everything.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from core.errors import UsageError
from core.i18n import _
from core.office import Changes, Session
from core.rules.calendar import DayChange, NoticePlan, NoticePreview, plan_notice, save_notice
from core.rules.ruleset import (
    MODES,
    DeadlineRule,
    Deadlines,
    current_ruleset,
    parse_ruleset,
    ruleset_to_toml,
    save_ruleset,
)

MAX_DAYS = 365
MAX_MONTHS = 12
MAX_WARN_DAYS = 30


# ---------------------------------------------------------------- deadline rules

def current_deadlines(db: sqlite_utils.Database) -> tuple[int, Deadlines]:
    """The latest rule-set version (0: the built-in defaults) and its deadline rules."""
    version, rules = current_ruleset(db)
    return version, rules.deadlines


@dataclass(frozen=True)
class RulesInfo:
    """The rule-set version in force, for the settings form."""

    version: int            # 0: the built-in defaults, never saved
    deadlines: Deadlines
    author: str
    saved_at: dt.datetime | None   # UTC


def rules_info(db: sqlite_utils.Database) -> RulesInfo:
    """The latest rule-set version, its deadline rules, who saved it and when."""
    version, rules = current_ruleset(db)
    row = db.execute("SELECT author, created_at FROM ruleset WHERE version = ?", [version]).fetchone()
    if row is None:
        return RulesInfo(version, rules.deadlines, "", None)
    return RulesInfo(version, rules.deadlines, row[0], dt.datetime.fromisoformat(row[1]))


def _check_deadlines(d: Deadlines) -> None:
    names = {"claim": _("The claim deadline"), "report": _("The first-report deadline"),
             "general": _("The completion deadline of a general task")}
    for key, what in names.items():
        rule: DeadlineRule = getattr(d, key)
        if not 0 <= rule.days <= MAX_DAYS:
            raise UsageError(_("{what} must be from 0 to {most} days.").format(what=what, most=MAX_DAYS))
        if rule.months:
            raise UsageError(_("{what} counts days, not months.").format(what=what))
    if not 1 <= d.major.months <= MAX_MONTHS or d.major.days:
        raise UsageError(_("The completion deadline of a major task must be from 1 to {most} months.").format(
            most=MAX_MONTHS))
    if any(getattr(d, key).mode not in MODES for key in ("claim", "report", "general", "major")):
        raise UsageError(_("Choose how days are counted: calendar days, calendar days moved past holidays, "
                           "or working days."))
    if not 1 <= d.warn_days <= MAX_WARN_DAYS:
        raise UsageError(_("The warning must start from 1 to {most} days before a due date.").format(
            most=MAX_WARN_DAYS))


def save_deadlines(s: Session, deadlines: Deadlines) -> tuple[int, Changes]:
    """Save the deadline rules as a new rule-set version (see the module contract)."""
    _check_deadlines(deadlines)
    s.require_hub()
    with s.write():
        version, rules = current_ruleset(s.db)
        if rules.deadlines == deadlines:
            return version, Changes()
        text = ruleset_to_toml(dataclasses.replace(rules, deadlines=deadlines))
        parse_ruleset(text)  # the form's checks should make this a formality
        new = save_ruleset(s.db, text, s.user.name, s.office.uuid)
        s.audit("rules_edit", ref=str(new), deadlines=dataclasses.asdict(deadlines),
                before=dataclasses.asdict(rules.deadlines))
    return new, Changes(rules=True)


# ---------------------------------------------------------------- holiday calendar

@dataclass(frozen=True)
class HolidayDay:
    date: dt.date
    kind: str    # 'rest' | 'work' (a make-up working day)
    name: str


@dataclass(frozen=True)
class HolidayYear:
    """What the calendar holds for `year`: whether its arrangement is known, and its special days."""

    year: int
    imported: bool
    source: str
    imported_at: str
    days: list[HolidayDay]

    @property
    def rest_days(self) -> list[HolidayDay]:
        return [d for d in self.days if d.kind == "rest"]

    @property
    def work_days(self) -> list[HolidayDay]:
        return [d for d in self.days if d.kind == "work"]


def holiday_years(db: sqlite_utils.Database) -> list[int]:
    """The years whose arrangement is known, ascending."""
    return [int(r[0]) for r in db.execute("SELECT year FROM holiday_year ORDER BY year")]


def holiday_year(db: sqlite_utils.Database, year: int) -> HolidayYear:
    """The rest days and make-up working days dated in `year` (rows a later notice neutralised are left out)."""
    known = db.execute("SELECT source, imported_at FROM holiday_year WHERE year = ?", [year]).fetchone()
    days = []
    for iso_day, kind, name in db.execute(
            "SELECT date, kind, name FROM holiday WHERE date BETWEEN ? AND ? ORDER BY date",
            [f"{year:04d}-01-01", f"{year:04d}-12-31"]):
        day = dt.date.fromisoformat(iso_day)
        ordinary = "work" if day.weekday() < 5 else "rest"
        if kind == ordinary and not name:
            continue
        days.append(HolidayDay(day, kind, name))
    return HolidayYear(year, known is not None, known[0] if known else "", known[1] if known else "", days)


def preview_notice(db: sqlite_utils.Database, preview: NoticePreview) -> NoticePlan:
    """The days importing `preview` would change, against what is stored (reads only)."""
    return plan_notice(db, preview)


@dataclass(frozen=True)
class NoticeImport:
    year: int
    written: int       # holiday rows written (the days that changed)
    recomputed: int    # assignments whose dues were recomputed
    changes: Changes
    plan: NoticePlan | None = None


def import_notice(s: Session, preview: NoticePreview, source: str,
                  expected: tuple[DayChange, ...] | None = None) -> NoticeImport:
    """Save a parsed notice and recompute the dues it moves, in one transaction (hub; audited).

    `expected`: the day changes shown to the clerk; when the calendar no longer
    gives exactly these, the import is refused and nothing is written. The audit
    entry lists every changed day (date, from, to) and the days kept from amendments.
    """
    from core.work.status import refresh_years

    s.require_hub()
    with s.write():
        plan = save_notice(s.db, preview, source, expected)
        recomputed = refresh_years(s.db, {preview.year})
        s.audit("calendar_import", ref=str(preview.year), rows=len(plan.changes), recomputed=recomputed,
                source=source, kind=preview.kind, title=preview.title,
                days=[c.as_json() for c in plan.changes], kept=[c.as_json() for c in plan.kept])
    return NoticeImport(preview.year, len(plan.changes), recomputed, Changes(calendar=True), plan)


# ---------------------------------------------------------------- backups

def back_up_now(s: Session) -> Path:
    """A backup into the policy's folder now (clerk or admin; core.backup_policy.back_up); audited; returns the file."""
    from core.backup_policy import back_up

    return back_up(s)


def everything_changed(db: sqlite_utils.Database) -> Changes:
    """A `Changes` naming every task and assignment, the directory, the calendar and the rules."""
    return Changes(assignments={int(r[0]) for r in db.execute("SELECT id FROM assignment")},
                   tasks={int(r[0]) for r in db.execute("SELECT id FROM task")},
                   directory=True, calendar=True, rules=True)


@dataclass(frozen=True)
class Restored:
    source: Path
    safety: Path | None    # the backup of the content before the restore
    changes: Changes
    sentences: list[str]   # what the restore did (core.backup.restore.RestoreResult.sentences)


def restore_backup(s: Session, source: str | Path, password: str) -> Restored:
    """Replace the database's content with the backup `source` (an administrator, confirming with `password`).

    The checks, the safety backup, the reserved task numbers and the audit entry
    are core.backup.restore's, the same as the CLI's; the restored content replaces
    the live one on this session's connection in one step.
    """
    from core.backup.restore import restore

    result = restore(s.path, source, s.user.name, password, live=s.db, today=s.today)
    return Restored(result.source, result.previous, everything_changed(s.db), result.sentences())
