"""`manual`: the user manual as a PDF (issue 17); needs no database and no sign-in.

Contract: `add_parsers(cmds, sub)` adds `manual --out F.pdf [--lang zh_CN|en]`;
`cmd_manual(args) -> exit code` writes the manual (core.reports.manual_pdf) in the
language asked for, else the language in force (CLOSELOOP_LANG, default Chinese),
and prints one line: the file and its page count. `--out` is checked first: a folder,
a folder that does not exist or cannot be written is refused with a sentence (exit 1)
and no file, partial or not, is left.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from core.cli import terminal as out
from core.format import number
from core.i18n import _, ngettext

LANGUAGES = ("zh_CN", "en")


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one."""
    c = sub(cmds, "manual", _("write the user manual to PDF (no database needed)"))
    c.add_argument("--out", required=True, metavar="F.pdf")
    c.add_argument("--lang", choices=LANGUAGES, help=_("the manual's language (default: the language in force)"))


def cmd_manual(a: argparse.Namespace) -> int:
    from core.reports.manual_pdf import render_manual

    path = Path(a.out)
    pages = render_manual(path, a.lang)
    out.say(ngettext("Wrote {path} ({n} page).", "Wrote {path} ({n} pages).", pages).format(
        path=path, n=number(pages)))
    return 0
