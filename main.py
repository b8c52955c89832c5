#!/usr/bin/env python3
"""Closeloop (闭环督办): with no command, the desktop app; with a command, the headless CLI.

The CLI path never imports Qt.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))


def main(argv: list[str]) -> int:
    from core.cli import default_db_path
    from core.cli import main as cli_main

    code = cli_main(argv)
    if code is not None:
        return code
    from core.cli import parse

    args = parse(argv)
    from ui.shell.app import run_app

    return run_app(Path(args.db) if args.db else default_db_path(), smoke=args.smoke)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
