"""`report …` and `fonts`: the printed materials of DESIGN.md §9 (issue 5).

Contract: `add_parsers(cmds, sub)` adds the commands to the CLI; `HANDLERS` maps
each command name to `handler(session, args) -> exit code`.
"""
from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

HANDLERS: dict[str, Callable[[Any, argparse.Namespace], int]] = {}


def add_parsers(cmds: argparse._SubParsersAction, sub: Callable[..., argparse.ArgumentParser]) -> None:
    """Add this module's commands under `cmds`; `sub(parent, name, help)` makes one."""
