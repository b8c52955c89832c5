"""The desktop face of Closeloop (PySide6 only): windows, table models, background work.

Nothing here holds a business rule; every rule lives in `core`, which never
imports this package. `ui.shell.app.run_app(db_path)` is the entry point.
"""
