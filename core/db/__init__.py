"""Storage: one SQLite file per office (connection, migrations, backups)."""
