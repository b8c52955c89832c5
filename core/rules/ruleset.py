"""The rule set (评分细则, docs/design.md §6): a versioned TOML document, parsed into frozen dataclasses.

Contract: `parse_ruleset(text)` either returns a complete `RuleSet` (missing keys
take their defaults, so `parse_ruleset("")` is the defaults) or raises `UsageError`
naming the line and the key path (`monthly.co_weight`) of the first problem:
an unknown key, a value of the wrong type, a number outside its range in
`core.rules.limits.LIMITS` (the refusal names both bounds), or brackets nested too
deeply to read. `save_ruleset` (an import or a form) also refuses an empty document.
`ruleset_to_toml(rs)` writes the layout and comments of `DEFAULT_TOML` and
round-trips through `parse_ruleset`. The table `ruleset` holds every saved version
(1, 2, …); version 0 means the built-in defaults. Pure functions except the three
database helpers at the end, which run on the caller's thread and connection.
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
import tomllib
import uuid
from dataclasses import dataclass, field
from typing import Any

import sqlite_utils

from core import clock
from core.errors import UsageError
from core.i18n import _
from core.rules.limits import LIMITS

MODES = ("calendar", "rollover", "workdays")
COMBINES = ("sum", "mean")
TIES = ("shared", "break")


@dataclass(frozen=True)
class DeadlineRule:
    """One 13710 step: `days` (claim, report, general) or `months` (major), and a counting mode."""

    days: int = 0
    months: int = 0
    mode: str = "calendar"


@dataclass(frozen=True)
class Deadlines:
    claim: DeadlineRule = DeadlineRule(days=0)
    report: DeadlineRule = DeadlineRule(days=3)
    general: DeadlineRule = DeadlineRule(days=7)
    major: DeadlineRule = DeadlineRule(months=1)
    warn_days: int = 2


def _weight(default: float) -> Any:
    return field(default=default, metadata={"weight": True})


def _choice(default: str, choices: tuple[str, ...]) -> Any:
    return field(default=default, metadata={"choices": choices})


@dataclass(frozen=True)
class MonthlyRules:
    base: float = 100.0
    lead_weight: float = _weight(1.0)
    co_weight: float = _weight(0.5)
    late_claim: float = 0.5
    late_report: float = 0.5
    overdue: float = 1.0
    returned: float = 2.0
    public_criticism: float = 1.0
    finding: float = 1.0
    panel_weight: float = _weight(0.0)
    panel_drop_extremes: bool = True


@dataclass(frozen=True)
class QuarterlyRules:
    combine: str = _choice("sum", COMBINES)
    approving_instruction: float = 2.0
    commendation: float = 3.0
    public_praise: float = 1.0
    typical_speech: float = 1.0
    bonus_cap: float = 5.0


@dataclass(frozen=True)
class RankingRules:
    ties: str = _choice("shared", TIES)
    township_rewards: int = 3
    department_rewards: int = 5


@dataclass(frozen=True)
class RuleSet:
    deadlines: Deadlines = Deadlines()
    monthly: MonthlyRules = MonthlyRules()
    quarterly: QuarterlyRules = QuarterlyRules()
    ranking: RankingRules = RankingRules()


DEFAULT_TOML = """\
[deadlines]            # mode: calendar | rollover | workdays
claim = { days = 0, mode = "calendar" }
report = { days = 3, mode = "calendar" }
general = { days = 7, mode = "calendar" }
major = { months = 1, mode = "calendar" }
warn_days = 2

[monthly]
base = 100
lead_weight = 1.0      # a deduction on a co assignment counts co_weight instead
co_weight = 0.5
late_claim = 0.5       # deducted once per assignment, in the month of the missed due
late_report = 0.5
overdue = 1.0          # once per assignment, in the month its completion due passed unsubmitted
returned = 2.0         # per return, in the month of the return
public_criticism = 1.0 # per 通报批评, in its month
finding = 1.0          # per inspection finding against the unit, in its month
panel_weight = 0.0     # 0..1: monthly = (1 - w) * objective + w * panel * 10
panel_drop_extremes = true   # with 3+ panel scores (0-10), drop one highest and one lowest

[quarterly]
combine = "sum"        # sum | mean of the three monthly scores
approving_instruction = 2.0   # 肯定性批示
commendation = 3.0            # 表彰奖励
public_praise = 1.0           # 通报表扬
typical_speech = 1.0          # 典型发言
bonus_cap = 5.0               # per unit per quarter

[ranking]
ties = "shared"        # shared: 1,2,2,4 | break: by on-time rate, then completion rate, then name
township_rewards = 3   # units with rank <= N are flagged for reward (ties can make the list longer)
department_rewards = 5
"""

_SECTIONS: dict[str, type] = {"deadlines": Deadlines, "monthly": MonthlyRules,
                              "quarterly": QuarterlyRules, "ranking": RankingRules}
_DAY_RULES = ("claim", "report", "general")
SECTIONS = _SECTIONS  # the rule set's sections, in document order (public: the form and rules_edit use it)


# ---------------------------------------------------------------- parsing

def parse_ruleset(text: str, *, empty_ok: bool = True) -> RuleSet:
    """Validate the whole TOML `text` and return its rule set, or raise `UsageError`.

    `empty_ok=False` (an import) refuses a document without a single rule (empty or only comments).
    """
    try:
        doc = tomllib.loads(text)
    except RecursionError as err:  # tomllib recurses into nested brackets and tables
        raise UsageError(_("The rule set nests brackets or tables too deeply to be read; a rule set holds "
                           "only sections of single values, e.g. [deadlines] with warn_days = 2.")) from err
    except tomllib.TOMLDecodeError as err:
        detail = str(err)
        m = re.search(r"\(at line (\d+), column \d+\)", detail)
        line = int(m[1]) if m else (max(1, len(text.splitlines())) if "end of document" in detail else None)
        detail = re.sub(r"\s*\(at (line \d+, column \d+|end of document)\)", "", detail)
        problem = _("The rule set is not valid TOML ({detail}); check the quotes, brackets "
                    "and '=' signs.").format(detail=detail)
        raise _error(problem, line) from err
    if not doc and not empty_ok:
        raise UsageError(_("The rule set file is empty; write the sections to change, e.g. [deadlines] with "
                           "warn_days = 2, or start from the output of 'rules show'."))
    sections: dict[str, Any] = {}
    for name, value in doc.items():
        if name not in _SECTIONS:
            raise _error(_("{key} is not a section of the rule set; the sections are {known}.").format(
                key=name, known=", ".join(_SECTIONS)), _line_of(text, [name]))
        if not isinstance(value, dict):
            raise _error(_("{key} must be a section of rules written [{key}], not a single value.").format(
                key=name), _line_of(text, [name]))
        sections[name] = _parse_section(text, name, value)
    return RuleSet(**sections)


def _parse_section(text: str, section: str, table: dict[str, Any]) -> Any:
    cls = _SECTIONS[section]
    fields = {f.name: f for f in dataclasses.fields(cls)}
    values: dict[str, Any] = {}
    for key, value in table.items():
        path = [section, key]
        if key not in fields:
            raise _error(_("{key} is not a rule the rule set knows; the rules of [{section}] are "
                           "{known}.").format(key=".".join(path), section=section, known=", ".join(fields)),
                         _line_of(text, path))
        if section == "deadlines" and key != "warn_days":
            values[key] = _parse_rule(text, key, value)
        else:
            values[key] = _check_value(text, path, fields[key], value)
    return cls(**values)


def _parse_rule(text: str, name: str, value: Any) -> DeadlineRule:
    path = ["deadlines", name]
    uses = "days" if name in _DAY_RULES else "months"
    if not isinstance(value, dict):
        raise _error(_('{key} must be written like {{ {unit} = 3, mode = "calendar" }}; found {found}.').format(
            key=".".join(path), unit=uses, found=_show(value)), _line_of(text, path))
    default: DeadlineRule = getattr(Deadlines(), name)
    days, months, mode = default.days, default.months, default.mode
    for key, item in value.items():
        sub = [*path, key]
        where = _line_of(text, sub)
        if key == "mode":
            if not isinstance(item, str) or item not in MODES:
                raise _error(_("{key} must be one of {choices}; found {found}.").format(
                    key=".".join(sub), choices=", ".join(MODES), found=_show(item)), where)
            mode = item
        elif key in ("days", "months"):
            if key != uses:
                msg = (_("{key}: the {rule} rule counts days; write days = N, not months.") if uses == "days"
                       else _("{key}: the major rule counts calendar months; write months = N, not days."))
                raise _error(msg.format(key=".".join(sub), rule=name), where)
            number = _whole(sub, item, where)
            _check_range(sub, number, item, where)
            days, months = (number, 0) if key == "days" else (0, number)
        else:
            raise _error(_("{key} is not a setting of a deadline; use {unit} and mode.").format(
                key=".".join(sub), unit=uses), where)
    return DeadlineRule(days=days, months=months, mode=mode)


def _check_value(text: str, path: list[str], f: dataclasses.Field[Any], value: Any) -> Any:
    key, where = ".".join(path), _line_of(text, path)
    kind = f.type if isinstance(f.type, str) else f.type.__name__
    if kind == "bool":
        if not isinstance(value, bool):
            raise _error(_("{key} must be true or false; found {found}.").format(key=key, found=_show(value)),
                         where)
        return value
    if "choices" in f.metadata:
        choices = f.metadata["choices"]
        if not isinstance(value, str) or value not in choices:
            raise _error(_("{key} must be one of {choices}; found {found}.").format(
                key=key, choices=", ".join(choices), found=_show(value)), where)
        return value
    if kind == "int":
        number: float = _whole(path, value, where)
    else:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _error(_("{key} must be a number, e.g. {example}; found {found}.").format(
                key=key, example=f.default, found=_show(value)), where)
        number = float(value)
    if f.metadata.get("weight") and not 0 <= number <= 1:
        raise _error(_("{key} is a weight and must be between 0 and 1; found {found}.").format(
            key=key, found=_show(value)), where)
    _check_range(path, number, value, where)
    return number


def _check_range(path: list[str], number: float, value: Any, where: int | None) -> None:
    """Refuse `number` outside LIMITS of the key `path` (core.rules.limits), naming both bounds."""
    least, most = LIMITS[".".join(path)]
    if not least <= number <= most:
        raise _error(_("{key} must be from {least} to {most}; found {found}.").format(
            key=".".join(path), least=_plain_number(least), most=_plain_number(most), found=_show(value)), where)


def _plain_number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _whole(path: list[str], value: Any, where: int | None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _error(_("{key} must be a whole number, e.g. 3; found {found}.").format(
            key=".".join(path), found=_show(value)), where)
    return value


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, dict):
        return _("a table")
    if isinstance(value, list):
        return _("a list")
    return str(value)


def _error(problem: str, line: int | None) -> UsageError:
    if line is None:
        return UsageError(problem)
    return UsageError(_("Line {line}: {problem}").format(line=line, problem=problem))


_HEADER = re.compile(r"^\s*\[\s*([^\]\[]+?)\s*\]")


def _line_of(text: str, path: list[str]) -> int | None:
    """The 1-based line where the key `path` is written, best effort (None if not found)."""
    lines = text.splitlines()

    def bare(part: str) -> str:
        return re.sub(r"\s+", "", part).replace('"', "").replace("'", "")

    def key_line(header: str | None, key: str) -> int | None:
        inside = header is None  # top-level keys are those before the first header
        pattern = re.compile(r"^\s*[\"']?" + re.escape(key) + r"[\"']?\s*[=.]")
        for number, line in enumerate(lines, 1):
            m = _HEADER.match(line)
            if m:
                if header is None:
                    return None
                inside = bare(m[1]) == header
                continue
            if inside and pattern.match(line):
                return number
        return None

    for split in range(len(path) - 1, -1, -1):
        header = ".".join(path[:split]) if split else None
        found = key_line(header, path[split])
        if found is not None:
            return found
    for number, line in enumerate(lines, 1):  # the section header itself, e.g. [deadlines.report]
        m = _HEADER.match(line)
        if m and bare(m[1]) in (".".join(path), path[0]):
            return number
    return None


# ---------------------------------------------------------------- writing

_KEY_LINE = re.compile(r"^(\w+)(\s*=\s*)(.*?)(\s*)(#.*)?$")


def ruleset_to_toml(rs: RuleSet) -> str:
    """The TOML of `rs`, in the layout and with the comments of `DEFAULT_TOML`."""
    out: list[str] = []
    section = ""
    for line in DEFAULT_TOML.splitlines():
        header = _HEADER.match(line)
        m = None if header else _KEY_LINE.match(line)
        if header:
            section = header[1]
        if not m:
            out.append(line)
            continue
        key, eq, old, gap, comment = m[1], m[2], m[3], m[4], m[5]
        value = getattr(getattr(rs, section), key)
        new = old if _same(tomllib.loads(f"v = {old}")["v"], value) else _toml_value(value)
        if comment:
            gap = " " * max(1, len(old) + len(gap) - len(new))
            out.append(f"{key}{eq}{new}{gap}{comment}")
        else:
            out.append(f"{key}{eq}{new}")
    return "\n".join(out) + "\n"


def _same(written: Any, value: Any) -> bool:
    """Whether the template's literal already says `value` (so its spelling is kept)."""
    if isinstance(value, DeadlineRule):
        return False
    kinds_match = type(written) is type(value) or (type(value) is float and type(written) is int)
    return kinds_match and written == value


def _toml_value(value: Any) -> str:
    if isinstance(value, DeadlineRule):
        unit, number = ("months", value.months) if value.months else ("days", value.days)
        return f'{{ {unit} = {number}, mode = "{value.mode}" }}'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return repr(value)


# ---------------------------------------------------------------- database

def current_ruleset(db: sqlite_utils.Database) -> tuple[int, RuleSet]:
    """The latest saved version and its rules; (0, defaults) when none was ever saved."""
    row = db.execute("SELECT version, body FROM ruleset ORDER BY version DESC LIMIT 1").fetchone()
    if row is None:
        return 0, RuleSet()
    return int(row[0]), parse_ruleset(row[1])


def ruleset_version(db: sqlite_utils.Database, version: int) -> RuleSet:
    """The rules of a saved `version` (0: the defaults); `UsageError` if there is no such version."""
    if version == 0:
        return RuleSet()
    row = db.execute("SELECT body FROM ruleset WHERE version = ?", [version]).fetchone()
    if row is None:
        raise UsageError(_("There is no rule set version {version}; the versions run from 1 to the "
                           "latest shown in the rule set history.").format(version=version))
    return parse_ruleset(row[0])


def save_ruleset(db: sqlite_utils.Database, text: str, author: str, owner_uuid: str) -> int:
    """Validate `text` and store it as the next version (the text as written, comments kept).

    Returns the new version number. Raises `UsageError` (nothing written) if invalid.
    """
    parse_ruleset(text, empty_ok=False)
    with db.atomic():
        latest = db.execute("SELECT COALESCE(MAX(version), 0) FROM ruleset").fetchone()[0]
        version = int(latest) + 1
        db["ruleset"].insert({"uuid": uuid.uuid4().hex, "owner": owner_uuid, "rev": 1, "version": version,
                              "body": text, "author": author, "created_at": clock.now_utc()})
    return version


def normalized_ruleset(rules: RuleSet) -> RuleSet:
    """Whole numbers where the rule set counts (rewards, days), floats where it weighs."""
    sections: dict[str, Any] = {}
    for name in _SECTIONS:
        section = getattr(rules, name)
        values = {}
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            kind = f.type if isinstance(f.type, str) else f.type.__name__
            if kind == "int" and isinstance(value, float) and value.is_integer():
                value = int(value)
            elif kind == "float" and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            values[f.name] = value
        sections[name] = dataclasses.replace(section, **values)
    return RuleSet(**sections)


def check_ruleset(rules: RuleSet) -> None:
    """Raise UsageError naming the key (no line: there is no text) of the first value out of range,
    by the same checks as `parse_ruleset` (for a rule set edited in a form)."""
    rules = normalized_ruleset(rules)
    for name in _SECTIONS:
        section = getattr(rules, name)
        for f in dataclasses.fields(section):
            value = getattr(section, f.name)
            if name == "deadlines" and f.name != "warn_days":
                rule = value
                uses = "days" if f.name in ("claim", "report", "general") else "months"
                written: dict[str, Any] = {uses: getattr(rule, uses), "mode": rule.mode}
                other = "months" if uses == "days" else "days"
                if getattr(rule, other):
                    written[other] = getattr(rule, other)
                _parse_rule("", f.name, written)
            else:
                _check_value("", [name, f.name], f, value)
