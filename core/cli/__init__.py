"""The headless CLI: `python3 main.py [--db PATH] [--user NAME] COMMAND`.

Contract: `main(argv)` returns the exit code — 0 done, 1 refused (a rule said
no; nothing changed), 2 usage error — or None when no command was given (the
caller opens the desktop app). Every failure prints one line in the user's
language on stderr, never a traceback; unexpected errors are logged to a file.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from core.errors import ClerkError, UsageError
from core.i18n import _


def default_db_path() -> Path:
    """CLOSELOOP_DB, else closeloop.db in the user's data folder."""
    env = os.environ.get("CLOSELOOP_DB")
    if env:
        return Path(env)
    if os.name == "nt":
        base = Path(os.environ.get("APPDATA", Path.home()))
        return base / "Closeloop" / "closeloop.db"
    base = Path(os.environ.get("XDG_DATA_HOME", Path.home() / ".local" / "share"))
    return base / "closeloop" / "closeloop.db"


def log_path() -> Path:
    return default_db_path().parent / "closeloop.log"


def parse(argv: list[str]) -> argparse.Namespace:
    from core.cli.parser import build_parser

    return build_parser().parse_args(argv)


def main(argv: list[str]) -> int | None:
    try:
        args = parse(argv)
        if not args.command:
            return None
        return run(args)
    except ClerkError as err:
        sys.stderr.write(_("Error: {message}").format(message=err.message) + "\n")
        return err.exit_code
    except KeyboardInterrupt:
        sys.stderr.write(_("Interrupted; nothing more was changed.") + "\n")
        return 130
    except Exception:  # the last net: one sentence here, the details in the log
        where = _log_crash()
        sys.stderr.write(_("Error: something went wrong inside Closeloop; nothing was changed. "
                           "Details are in {log}.").format(log=where) + "\n")
        return 1


def _log_crash() -> Path:
    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as f:
            f.write(traceback.format_exc() + "\n")
    except OSError:
        pass
    return path


def run(args: argparse.Namespace) -> int:
    from core.cli import (
        check_commands,
        commands,
        font_commands,
        office_commands,
        report_commands,
        score_commands,
        xlsx_commands,
    )
    from core.cli.auth import acting_password
    from core.office import open_session

    db_path = Path(args.db) if args.db else default_db_path()
    if args.command == "init":
        return office_commands.cmd_init(db_path, args)
    if args.command == "demo":
        return office_commands.cmd_demo(db_path, args)
    user = args.user or os.environ.get("CLOSELOOP_USER") or "admin"
    if args.command == "restore":  # also when the database is missing: the backup brings it back
        return office_commands.cmd_restore(db_path, user, args)
    if not db_path.exists():
        raise ClerkError(_("There is no database at {path}; create one with 'init' or 'demo', "
                           "or give the right --db.").format(path=db_path))
    session = open_session(db_path, user, acting_password(user))
    try:
        handler = {
            "unit": commands.cmd_unit, "leader": commands.cmd_leader, "user": commands.cmd_user,
            "meeting": commands.cmd_meeting, "task": commands.cmd_task, "stats": commands.cmd_stats,
            "rules": commands.cmd_rules, "audit": commands.cmd_audit, "check": check_commands.cmd_check,
            "calendar": office_commands.cmd_calendar, "backup": office_commands.cmd_backup,
            "score": score_commands.cmd_score, "bonus": score_commands.cmd_bonus,
            "criticism": score_commands.cmd_criticism, "panel": score_commands.cmd_panel,
            "finding": score_commands.cmd_finding,
            **font_commands.HANDLERS, **report_commands.HANDLERS, **xlsx_commands.HANDLERS,
        }.get(args.command, commands.cmd_action)
        return handler(session, args)
    finally:
        session.db.conn.close()


__all__ = ["main", "default_db_path", "UsageError"]
