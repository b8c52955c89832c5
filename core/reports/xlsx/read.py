"""Reading a ledger sheet as rows of fields: merged cells filled, the header row found.

Contract: `read_sheet(path, mapping)` reads the user's .xlsx from a copy of its
bytes in memory (the file is opened once, for reading, and never written; the
SHA-256 of those bytes is returned so a caller can show or check it), with the
zh-CN built-in date formats registered (core.reports.xlsx.dates). It loads the
workbook in normal mode, so a WPS file with a wrong dimension record (only A1 in
read-only mode) is read whole. Every merged range takes the value of its
top-left cell in all its cells (a lead unit merged over three rows belongs to
each of them). The header row is the mapping's `header_row`, else the first of
the first 20 rows that names the required fields. Raises UsageError with one
sentence when the file is not a readable .xlsx, the sheet is missing or no
header row is found. Runs on any thread (no database).
"""
from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from core.errors import UsageError
from core.format import name_list
from core.i18n import _
from core.reports.xlsx.dates import register_zh_formats
from core.reports.xlsx.mapping import Mapping, match_headers, missing_required

HEADER_SEARCH_ROWS = 20


@dataclass(frozen=True)
class SheetRow:
    """One data row: its 1-based row number in the sheet and its cell value per field."""

    number: int
    values: dict[str, object]


@dataclass(frozen=True)
class Sheet:
    name: str
    header_row: int
    columns: dict[int, str]
    rows: tuple[SheetRow, ...]
    sha256: str


def _load(path: Path) -> tuple[object, str]:
    try:
        data = path.read_bytes()
    except FileNotFoundError as err:
        raise UsageError(_("There is no file {path}; choose the .xlsx to import.").format(path=path)) from err
    except OSError as err:
        raise UsageError(_("The file {path} cannot be read ({reason}); close it in Excel or WPS and try again.")
                         .format(path=path, reason=err.strerror or err)) from err
    digest = hashlib.sha256(data).hexdigest()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UsageError(_("The file {path} is not an .xlsx workbook; open it in Excel or WPS and save it as "
                           ".xlsx, then import that.").format(path=path))
    register_zh_formats()
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), data_only=True)
    except Exception as err:  # openpyxl raises many kinds for a damaged or foreign zip
        raise UsageError(_("The file {path} cannot be read as an .xlsx workbook ({reason}); save it again as "
                           ".xlsx in Excel or WPS.").format(path=path, reason=type(err).__name__)) from err
    return wb, digest


def _grid(ws: object) -> list[list[object]]:
    rows = [list(r) for r in ws.iter_rows(values_only=True)]  # type: ignore[attr-defined]
    for rng in list(ws.merged_cells.ranges):  # type: ignore[attr-defined]
        top = rows[rng.min_row - 1][rng.min_col - 1] if rng.min_row <= len(rows) else None
        for r in range(rng.min_row, min(rng.max_row, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([None] * (rng.max_col - len(row)))
            for c in range(rng.min_col, rng.max_col + 1):
                row[c - 1] = top
    return rows


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_sheet(path: Path | str, mapping: Mapping | None = None) -> Sheet:
    """The rows of the ledger sheet (see the module contract)."""
    path = Path(path)
    wb, digest = _load(path)
    sheet_name = mapping.sheet if mapping and mapping.sheet else None
    if sheet_name is not None and sheet_name not in wb.sheetnames:  # type: ignore[attr-defined]
        raise UsageError(_("The workbook has no sheet named “{sheet}”; its sheets are {names}.").format(
            sheet=sheet_name, names=name_list(wb.sheetnames)))  # type: ignore[attr-defined]
    ws = wb[sheet_name] if sheet_name else wb.worksheets[0]  # type: ignore[attr-defined]
    grid = _grid(ws)
    if mapping and mapping.header_row:
        candidates = [mapping.header_row]
    else:
        candidates = list(range(1, min(len(grid), HEADER_SEARCH_ROWS) + 1))
    header_row, columns = 0, {}
    for n in candidates:
        found = match_headers(grid[n - 1] if n <= len(grid) else [], mapping)
        if not missing_required(found):
            header_row, columns = n, found
            break
    if not header_row:
        best = max((match_headers(grid[n - 1], mapping) for n in candidates if n <= len(grid)),
                   key=len, default={})
        raise UsageError(_("The sheet “{sheet}” has no header row naming {missing}; use the template "
                           "(import-xlsx --template) or give a column mapping (--mapping).").format(
            sheet=ws.title, missing=name_list(missing_required(best))))
    rows = []
    for n in range(header_row + 1, len(grid) + 1):
        cells = grid[n - 1]
        values = {fld: (cells[i] if i < len(cells) else None) for i, fld in columns.items()}
        if all(_blank(v) for f, v in values.items() if f != "seq"):
            continue
        rows.append(SheetRow(n, values))
    return Sheet(ws.title, header_row, columns, tuple(rows), digest)
