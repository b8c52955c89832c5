"""Writing a file the user asked for, atomically.

Contract: `atomic_output(out)` yields a temporary path in the same folder; when
the block ends without an exception the temporary file replaces `out` in one
rename, otherwise it is removed and `out` is left as it was. A target that is
a folder, or a folder that does not exist or cannot be written, is refused with a sentence (Refusal), before any
work is done.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from core.errors import Refusal
from core.i18n import _


def check_out(out: Path | str) -> None:
    """Refuse, before any work, a target that is a folder or lies in a folder that does not exist."""
    out = Path(out)
    if out.is_dir():
        raise Refusal(_("{path} is a folder; give the name of the file to write, e.g. {example}.")
                      .format(path=out, example=out / f"list{out.suffix or '.pdf'}"))
    folder = out.parent if str(out.parent) else Path(".")
    if not folder.is_dir():
        raise Refusal(_("The folder {folder} does not exist; choose another place to save the file.")
                      .format(folder=folder))


@contextmanager
def atomic_output(out: Path | str) -> Iterator[Path]:
    out = Path(out)
    check_out(out)
    folder = out.parent if str(out.parent) else Path(".")
    try:
        fd, name = tempfile.mkstemp(prefix=f".{out.stem}-", suffix=out.suffix + ".part", dir=folder)
    except OSError as err:
        raise Refusal(_("Cannot write in {folder} ({reason}); choose another place to save the file.")
                      .format(folder=folder, reason=err.strerror or err)) from err
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
