"""Which column of a ledger sheet holds which field of a task (docs/ledger-import.md).

Contract: `FIELDS` are the fields an import reads; `TEMPLATE_HEADERS` the headers
of the documented template (Chinese, as offices write them: they are a file
format, recognised whatever the UI language, so they are not translated).
`Mapping` says, for a layout other than the template, which header text means
which field, and optionally the sheet and the header row; `load_mapping(path)`
reads it from TOML. `match_headers(cells, mapping)` gives column index → field
for one candidate header row. Pure functions, no I/O except `load_mapping`.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import UsageError
from core.i18n import _

FIELDS = ("seq", "title", "content", "category", "source", "assigned_on", "lead", "co", "leader")
REQUIRED = ("title", "assigned_on", "lead")

# field → the template's header (the first) and the usual other spellings of it
TEMPLATE_HEADERS: dict[str, str] = {
    "seq": "序号", "title": "事项名称", "content": "具体内容", "category": "类别", "source": "来源",
    "assigned_on": "交办日期", "lead": "牵头单位", "co": "配合单位", "leader": "分管领导",
}
SYNONYMS: dict[str, tuple[str, ...]] = {
    "seq": ("序号", "编号", "no", "seq"),
    "title": ("事项名称", "交办事项", "督办事项", "事项", "任务名称", "工作任务", "title"),
    "content": ("具体内容", "事项内容", "内容", "工作要求", "content"),
    "category": ("类别", "事项类别", "类型", "category"),
    "source": ("来源", "交办来源", "事项来源", "source"),
    "assigned_on": ("交办日期", "交办时间", "日期", "assigned_on", "date"),
    "lead": ("牵头单位", "责任单位", "承办单位", "lead"),
    "co": ("配合单位", "协办单位", "co"),
    "leader": ("分管领导", "责任领导", "分管县领导", "leader"),
}


@dataclass(frozen=True)
class Mapping:
    """A layout: header text → field; optionally the sheet name and the 1-based header row."""

    columns: dict[str, str] = field(default_factory=dict)
    sheet: str | None = None
    header_row: int | None = None


def norm(text: object) -> str:
    """A header as compared: no spaces (also full-width), no line breaks, no '*', lower case."""
    return re.sub(r"[\s\u3000*＊:：]", "", str(text or "")).lower()


def load_mapping(path: Path | str) -> Mapping:
    """The mapping in a TOML file (see docs/ledger-import.md), or a UsageError saying what is wrong."""
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError as err:
        raise UsageError(_("There is no mapping file {path}; give the right --mapping.").format(path=path)) from err
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise UsageError(_("The mapping file {path} cannot be read ({reason}); fix the TOML and try again.")
                         .format(path=path, reason=err)) from err
    columns = data.get("columns", {})
    if not isinstance(columns, dict) or not columns:
        raise UsageError(_("The mapping file {path} has no [columns] table; list each header as "
                           "\"header\" = \"field\".").format(path=path))
    for header, fld in columns.items():
        if fld not in FIELDS:
            raise UsageError(_("The mapping file {path} maps “{header}” to “{field}”, which is not a field; "
                               "use one of {fields}.").format(path=path, header=header, field=fld,
                                                              fields=", ".join(FIELDS)))
    sheet = data.get("sheet")
    header_row = data.get("header_row")
    if sheet is not None and not isinstance(sheet, str):
        raise UsageError(_("In the mapping file {path}, sheet must be the sheet's name in quotes.").format(path=path))
    if header_row is not None and (not isinstance(header_row, int) or header_row < 1):
        raise UsageError(_("In the mapping file {path}, header_row must be a row number (1 or more).")
                         .format(path=path))
    return Mapping({str(k): str(v) for k, v in columns.items()}, sheet, header_row)


def match_headers(cells: list[object], mapping: Mapping | None) -> dict[int, str]:
    """Column index (0-based) → field for a candidate header row; the mapping wins over the synonyms."""
    explicit = {norm(k): v for k, v in (mapping.columns if mapping else {}).items()}
    known = {norm(s): f for f, names in SYNONYMS.items() for s in names}
    out: dict[int, str] = {}
    taken: set[str] = set()
    for i, cell in enumerate(cells):
        key = norm(cell)
        fld = explicit.get(key) or known.get(key)
        if not key or fld is None or fld in taken:
            continue
        out[i] = fld
        taken.add(fld)
    return out


def missing_required(found: dict[int, str]) -> list[str]:
    """The required fields a header row lacks, as the template's header texts."""
    have = set(found.values())
    return [TEMPLATE_HEADERS[f] for f in REQUIRED if f not in have]
