"""Printing for the CLI: JSON (stable, documented in README) and plain tables.

Numbers, dates and percentages go through babel in the active language.
`StdoutGuard` stands in for sys.stdout while a command runs (see its docstring).
"""
from __future__ import annotations

import datetime as dt
import errno
import json
import os
import sys
import unicodedata
from collections.abc import Sequence
from typing import Any

from core.i18n import _


class StdoutGuard:
    """sys.stdout for one CLI command: output that cannot be written never interrupts the command.

    A write or flush that fails (a full disk, a closed or broken stdout) is recorded
    in `error` and later output is dropped, so the command always finishes what it
    changes; the CLI then says whether a change was saved. `broken_pipe` is true
    when the reader went away (`| head`): that ends quietly. When the failed stream
    is the process's file descriptor 1, /dev/null is put in its place, so Python's
    final flush at exit neither complains nor changes the exit code.
    """

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.error: OSError | None = None
        if stream is None:  # started with stdout closed: Python gives None
            self.error = OSError(errno.EBADF, os.strerror(errno.EBADF))

    @property
    def broken_pipe(self) -> bool:
        return isinstance(self.error, BrokenPipeError)

    def write(self, text: str) -> int:
        if self.error is None:
            try:
                self.stream.write(text)
            except OSError as err:
                self._lost(err)
        return len(text)

    def flush(self) -> None:
        if self.error is None:
            try:
                self.stream.flush()
            except OSError as err:
                self._lost(err)

    def __getattr__(self, name: str) -> Any:  # encoding, isatty, fileno… of the real stream
        return getattr(self.stream, name)

    def _lost(self, err: OSError) -> None:
        self.error = err
        try:
            fd = self.stream.fileno()
        except (OSError, ValueError, AttributeError):
            return
        if fd == 1:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.close(null)


def fill_standard_descriptors() -> None:
    """Open /dev/null on any of the descriptors 0–2 that is closed.

    Otherwise the next file the command opens (a PDF, the log) would get the number
    and receive what is printed; SQLite guards its own files the same way.
    """
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            opened = os.open(os.devnull, os.O_RDWR)
            if opened != fd:
                os.dup2(opened, fd)
                os.close(opened)


def tell(line: str) -> None:
    """One line on stderr, if stderr can still be written."""
    try:
        if sys.stderr is not None:
            sys.stderr.write(line + "\n")
            sys.stderr.flush()
    except (OSError, ValueError):
        pass


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_default) + "\n")


def _default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(type(value).__name__)


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, w: int) -> str:
    return text + " " * max(0, w - width(text))


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]], *, max_width: int = 40) -> None:
    """A plain aligned table (CJK characters count double)."""
    cells = [[str(h) for h in headers]] + [["" if c is None else str(c) for c in r] for r in rows]
    cells = [[c if width(c) <= max_width else _clip(c, max_width) for c in r] for r in cells]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    out = sys.stdout
    for n, r in enumerate(cells):
        out.write("  ".join(pad(c, widths[i]) for i, c in enumerate(r)).rstrip() + "\n")
        if n == 0:
            out.write("  ".join("-" * w for w in widths) + "\n")


def _clip(text: str, w: int) -> str:
    out = ""
    for ch in text:
        if width(out + ch) > w - 1:
            return out + "…"
        out += ch
    return out


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def light_name(light: str | None) -> str:
    return {"red": _("red"), "yellow": _("yellow"), "green": _("green")}.get(light or "", "")
