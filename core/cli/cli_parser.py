"""The CLI's argparse parser class and the argument groups more than one command shares.

Contract: `CliParser` raises `UsageError` (one translated line, exit 2) instead of
printing usage and exiting; `sub(parent, name, help)` adds one subcommand with that
help as its description. `add_ledger_filters(parser)` adds the ledger's filter
options (`--unit --leader --state --light --search --new --as-of --sort`, and `--limit`
unless `limit=False`) to `task list`, `report ledger` and `export-xlsx ledger`, so
they accept and select exactly the same; `ledger_filter(args)` reads them back as a
`core.work.ledger.LedgerFilter`. Any thread; imports no command module.
"""
from __future__ import annotations

import argparse
from typing import NoReturn

from core.errors import UsageError
from core.i18n import _
from core.work import ledger


class CliParser(argparse.ArgumentParser):
    """argparse that raises UsageError instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(_("{message} (see '{prog} --help').").format(message=message, prog=self.prog))


def sub(parent: argparse._SubParsersAction, name: str, help_: str) -> argparse.ArgumentParser:
    """A subcommand `name` of `parent`, with `help_` as its help and description."""
    return parent.add_parser(name, help=help_, description=help_)


def add_ledger_filters(parser: argparse.ArgumentParser, *, limit: bool = True) -> None:
    """The ledger's filters, sort key and (with `limit`) row limit, as `task list` takes them."""
    parser.add_argument("--unit")
    parser.add_argument("--leader")
    parser.add_argument("--state", choices=list(ledger.STATE_FILTERS))
    parser.add_argument("--light", choices=list(ledger.LIGHTS))
    parser.add_argument("--search")
    parser.add_argument("--new", action="store_true", help=_("only the assignments an import changed whose task "
                                                               "has not been opened since"))
    parser.add_argument("--as-of", dest="as_of")
    parser.add_argument("--sort", default="task_no", choices=list(ledger.SORT_KEYS))
    if limit:
        parser.add_argument("--limit", type=int)


def ledger_filter(args: argparse.Namespace) -> ledger.LedgerFilter:
    """The `LedgerFilter` of the options `add_ledger_filters` added."""
    return ledger.LedgerFilter(unit=args.unit, leader=args.leader, state=args.state, light=args.light,
                               search=args.search, new_only=bool(getattr(args, "new", False)))
