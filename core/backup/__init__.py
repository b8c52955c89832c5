"""Backups and restores: the modules the CLI and the app both call, so their checks cannot differ.

- `core.backup_policy.back_up(s, target=None)`: a clerk or administrator (core.backup.access)
  backs the office up into `target` or into the policy's folder; audited as `backup`.
- `core.backup.restore.restore(db_path, source, user_name, password, live=None)`.
- `core.backup.verify.check_backup(source, extract_to)`.
The file format is in core.backup.format; writing in core.backup.write; the task numbers a
restore reserves in core.backup.numbers.

This package file imports nothing: the database layer (core.db.migrations backs a file up
before migrating it) imports core.backup.write, and a package that imported the office
layer here would close an import cycle (tests/core/test_import_cycles.py).
"""
