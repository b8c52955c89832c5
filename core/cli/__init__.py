"""The headless CLI: `python3 main.py [--db PATH] [--user NAME] COMMAND`.

Contract: `main(argv)` returns the exit code — 0 done, 1 refused (a rule said
no; nothing changed), 2 usage error, 3 done and saved but the output could not
be written — or None when no command was given (the caller opens the desktop
app). Every failure prints one line in the user's language on stderr, never a
traceback; unexpected errors are logged to a file.

Output comes after the change is committed and never interrupts it: stdout is a
`StdoutGuard` while the command runs. A reader that goes away (`| head`) ends the
command quietly with its own exit code; stdout that cannot be written (a full
disk, a closed stdout) gives exit code 3 and a line saying the change was saved,
or 1 and "nothing was changed" when the command saved nothing. Whether anything
was saved is counted by core.db.connection.commits(), so "nothing was changed"
is said only when it is true.
"""
from __future__ import annotations

import argparse
import os
import sys
import traceback
from pathlib import Path

from core.cli import terminal as output
from core.errors import ClerkError, UsageError
from core.i18n import _

OUTPUT_LOST = 3


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


def version_line() -> str:
    """What `--version` prints: the app's name in the user's language and its version."""
    from core import __version__

    return f"{_('Closeloop')} {__version__}"


def log_path() -> Path:
    return default_db_path().parent / "closeloop.log"


def parse(argv: list[str]) -> argparse.Namespace:
    from core.cli.parser import build_parser

    return build_parser().parse_args(argv)


def check_arguments(argv: list[str]) -> None:
    """UsageError naming the first argument that is not UTF-8 text (bytes Python kept as surrogates)."""
    for arg in argv:
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("utf-8")
            raise UsageError(_("The argument '{arg}' holds bytes that are not UTF-8 text; type it again, or "
                               "rename the file so that its name is UTF-8.").format(arg=shown)) from None


def _commits() -> int:
    """Write transactions this process committed so far (0 before the database code was loaded)."""
    connection = sys.modules.get("core.db.connection")
    return connection.commits() if connection is not None else 0  # type: ignore[attr-defined]


def main(argv: list[str]) -> int | None:
    saved_before = _commits()
    stdout_was_closed = sys.stdout is None
    output.fill_standard_descriptors()
    guard = output.StdoutGuard(sys.stdout)
    sys.stdout = guard  # type: ignore[assignment]
    try:
        code = _main(argv, saved_before)
        guard.flush()
    finally:
        sys.stdout = None if stdout_was_closed else guard.stream
    if code is None or guard.error is None or guard.broken_pipe or code != 0:
        return code
    detail = guard.error.strerror or str(guard.error)
    if _commits() > saved_before:
        output.tell(_("Warning: the change was saved, but its output could not be written ({detail}).")
                    .format(detail=detail))
        return OUTPUT_LOST
    output.tell(_("Error: {message}").format(
        message=_("The output could not be written ({detail}); nothing was changed.").format(detail=detail)))
    return 1


def _main(argv: list[str], saved_before: int) -> int | None:
    db_path: Path | None = None
    try:
        check_arguments(argv)
        args = parse(argv)
        if args.version:
            print(version_line())
            return 0
        if not args.command:
            return None
        db_path = Path(args.db) if args.db else default_db_path()
        return run(args)
    except ClerkError as err:
        output.tell(_("Error: {message}").format(message=err.message))
        return err.exit_code
    except KeyboardInterrupt:
        output.tell(_("Interrupted; nothing more was changed."))
        return 130
    except Exception as err:  # the last net: one sentence here, the details in the log
        from core.db.errors import refusal_for

        # a full disk, a read-only file or folder, another writer; its sentence says that nothing was
        # saved, so it is used only when nothing was (a write transaction maps its own failure itself)
        refusal = refusal_for(err, db_path) if _commits() == saved_before else None
        if refusal is not None:
            output.tell(_("Error: {message}").format(message=refusal.message))
            return refusal.exit_code
        where = _log_crash()
        if _commits() > saved_before:
            output.tell(_("Error: something went wrong inside Closeloop after the change was saved (the change "
                          "is kept). Details are in {log}.").format(log=where))
        else:
            output.tell(_("Error: something went wrong inside Closeloop; nothing was changed. "
                          "Details are in {log}.").format(log=where))
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
        key_commands,
        office_commands,
        report_commands,
        score_commands,
        settings_commands,
        supervision_commands,
        sync_commands,
        xlsx_commands,
    )
    from core.cli.auth import acting_password
    from core.office import open_session

    db_path = Path(args.db) if args.db else default_db_path()
    if args.command == "init":
        return office_commands.cmd_init(db_path, args)
    if args.command == "demo":
        return office_commands.cmd_demo(db_path, args)
    if args.command == "manual":  # the manual needs no database and no sign-in
        from core.cli.manual_commands import cmd_manual

        return cmd_manual(args)
    user = args.user if args.user is not None else os.environ.get("CLOSELOOP_USER") or "admin"
    if not user.strip():  # an empty --user never falls back to admin
        raise UsageError(_("--user is empty; give the name of the user who acts, e.g. --user clerk."))
    from core.cli.file_args import refuse_database_files

    refuse_database_files(db_path, args)
    if args.command == "restore":  # also when the database is missing: the backup brings it back
        return office_commands.cmd_restore(db_path, user, args)
    if not db_path.exists():
        raise ClerkError(_("There is no database at {path}; create one with 'init' or 'demo', "
                           "or give the right --db.").format(path=db_path))
    session = open_session(db_path, user, acting_password(user))
    if session.device_notice:  # the database was copied: it now writes as a new installation
        output.tell(session.device_notice)
    try:
        handler = {
            "unit": commands.cmd_unit, "leader": commands.cmd_leader, "user": commands.cmd_user,
            "meeting": commands.cmd_meeting, "task": commands.cmd_task, "stats": commands.cmd_stats,
            "rules": commands.cmd_rules, "audit": commands.cmd_audit, "check": check_commands.cmd_check,
            "calendar": office_commands.cmd_calendar, "backup": office_commands.cmd_backup,
            "score": score_commands.cmd_score, "bonus": score_commands.cmd_bonus,
            "criticism": score_commands.cmd_criticism, "panel": score_commands.cmd_panel,
            **supervision_commands.HANDLERS, **key_commands.HANDLERS, **sync_commands.HANDLERS,
            **font_commands.HANDLERS, **report_commands.HANDLERS, **settings_commands.HANDLERS, **xlsx_commands.HANDLERS,
        }.get(args.command, commands.cmd_action)
        return handler(session, args)
    finally:
        session.db.conn.close()


__all__ = ["main", "default_db_path", "version_line", "UsageError"]
