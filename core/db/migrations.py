"""The schema, as an ordered list of migrations, and the backup taken before them.

Every row that travels between offices (docs/design.md §8) carries `uuid` (global
identity), `owner` (the uuid of the office that created it, fixed forever) and
`rev` (bumped on each edit by its owner). Local ids are integers for fast joins;
bundles refer to rows by uuid. `assignment_status` is a local cache derived from
the events and is never synced. Deletes are refused by triggers: nothing is
ever deleted, corrections are new rows.
"""
from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import sqlite_utils
from sqlite_utils import Migrations

from core.db import m009_supervision as m009_sql
from core.db import m010_task_due_days as m010_sql
from core.db.m009_supervision import FIXED_COLUMNS as M009_FIXED_COLUMNS

migrations = Migrations("closeloop")

SYNCED = "uuid TEXT NOT NULL UNIQUE, owner TEXT NOT NULL, rev INTEGER NOT NULL DEFAULT 1"
NEVER_DELETED = ("office", "unit", "leader", "leader_unit", "meeting", "task", "assignment",
                 "event", "evidence", "ruleset", "audit", "holiday")


@migrations()
def m001_core(db: sqlite_utils.Database) -> None:
    """The directory, tasks, assignments, events, calendar, rules and audit log."""
    db.executescript(f"""
    CREATE TABLE setting (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE unit (
        id INTEGER PRIMARY KEY, {SYNCED},
        code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('township', 'department')),
        active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
    CREATE TABLE office (
        id INTEGER PRIMARY KEY, {SYNCED},
        code TEXT NOT NULL UNIQUE, name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('hub', 'unit')),
        unit_id INTEGER REFERENCES unit(id),
        is_self INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
    CREATE UNIQUE INDEX office_self ON office(is_self) WHERE is_self = 1;
    CREATE TABLE leader (
        id INTEGER PRIMARY KEY, {SYNCED},
        name TEXT NOT NULL UNIQUE, title TEXT NOT NULL DEFAULT '',
        active INTEGER NOT NULL DEFAULT 1, created_at TEXT NOT NULL);
    CREATE TABLE leader_unit (
        id INTEGER PRIMARY KEY, {SYNCED},
        leader_id INTEGER NOT NULL REFERENCES leader(id),
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        active INTEGER NOT NULL DEFAULT 1,
        UNIQUE (leader_id, unit_id));
    CREATE TABLE user (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'clerk', 'viewer')),
        password_hash TEXT NOT NULL, active INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL);
    CREATE TABLE meeting (
        id INTEGER PRIMARY KEY, {SYNCED},
        kind TEXT NOT NULL CHECK (kind IN ('weekly', 'review', 'assessment')),
        date TEXT NOT NULL, title TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE task (
        id INTEGER PRIMARY KEY, {SYNCED},
        task_no TEXT NOT NULL UNIQUE, year INTEGER NOT NULL, seq INTEGER NOT NULL,
        title TEXT NOT NULL, content TEXT NOT NULL DEFAULT '',
        category TEXT NOT NULL CHECK (category IN ('general', 'major')),
        source TEXT NOT NULL CHECK (source IN ('meeting', 'instruction', 'inspection', 'other')),
        assigned_on TEXT NOT NULL,
        meeting_id INTEGER REFERENCES meeting(id),
        leader_id INTEGER REFERENCES leader(id),
        rules_version INTEGER NOT NULL, created_at TEXT NOT NULL,
        UNIQUE (year, seq));
    CREATE INDEX task_assigned_on ON task(assigned_on);
    CREATE INDEX task_leader ON task(leader_id);
    CREATE INDEX task_meeting ON task(meeting_id);
    CREATE TABLE assignment (
        id INTEGER PRIMARY KEY, {SYNCED},
        task_id INTEGER NOT NULL REFERENCES task(id),
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        role TEXT NOT NULL CHECK (role IN ('lead', 'co')),
        created_at TEXT NOT NULL,
        UNIQUE (task_id, unit_id));
    CREATE UNIQUE INDEX assignment_one_lead ON assignment(task_id) WHERE role = 'lead';
    CREATE INDEX assignment_unit ON assignment(unit_id);
    CREATE TABLE event (
        id INTEGER PRIMARY KEY, {SYNCED},
        assignment_id INTEGER NOT NULL REFERENCES assignment(id),
        kind TEXT NOT NULL CHECK (kind IN ('claim', 'report', 'extension_request',
            'extension_approve', 'extension_reject', 'completion', 'return', 'close',
            'urge', 'cancel')),
        effective_date TEXT NOT NULL, recorded_at TEXT NOT NULL,
        user_name TEXT NOT NULL, on_behalf INTEGER NOT NULL DEFAULT 0,
        text TEXT NOT NULL DEFAULT '', date_value TEXT, data TEXT NOT NULL DEFAULT '{{}}');
    CREATE INDEX event_assignment ON event(assignment_id, effective_date, id);
    CREATE TABLE evidence (
        id INTEGER PRIMARY KEY, {SYNCED},
        event_id INTEGER NOT NULL REFERENCES event(id),
        sha256 TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL);
    CREATE INDEX evidence_event ON evidence(event_id);
    CREATE TABLE holiday (
        date TEXT PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('rest', 'work')),
        name TEXT NOT NULL, source TEXT NOT NULL);
    CREATE TABLE holiday_year (year INTEGER PRIMARY KEY, source TEXT NOT NULL,
        imported_at TEXT NOT NULL);
    CREATE TABLE ruleset (
        id INTEGER PRIMARY KEY, {SYNCED},
        version INTEGER NOT NULL UNIQUE, body TEXT NOT NULL,
        author TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE audit (
        id INTEGER PRIMARY KEY, recorded_at TEXT NOT NULL, user_name TEXT NOT NULL,
        office TEXT NOT NULL, action TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '',
        row_uuid TEXT, effective_date TEXT, details TEXT NOT NULL DEFAULT '{{}}');
    CREATE INDEX audit_ref ON audit(ref);
    CREATE TABLE assignment_status (
        assignment_id INTEGER PRIMARY KEY REFERENCES assignment(id),
        state TEXT NOT NULL, claim_due TEXT NOT NULL, report_due TEXT NOT NULL,
        base_due TEXT NOT NULL, due TEXT NOT NULL,
        claimed_on TEXT, first_report_on TEXT, submitted_on TEXT,
        closed_on TEXT, cancelled_on TEXT, on_time INTEGER,
        late_claim INTEGER NOT NULL DEFAULT 0, late_report INTEGER NOT NULL DEFAULT 0,
        returns INTEGER NOT NULL DEFAULT 0, pending_extension TEXT,
        follow_up TEXT, next_due TEXT, warnings TEXT NOT NULL DEFAULT '');
    CREATE INDEX status_next_due ON assignment_status(next_due);
    CREATE INDEX status_due ON assignment_status(due);
    CREATE INDEX status_state ON assignment_status(state);
    CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER event_immutable BEFORE UPDATE ON event
        BEGIN SELECT RAISE(ABORT, 'events are never edited; record a new one'); END;
    """)
    for table in NEVER_DELETED:
        db.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END"
        )


@migrations()
def m002_task_search(db: sqlite_utils.Database) -> None:
    """Full-text search over task titles and contents (trigram: Chinese substrings)."""
    db["task"].enable_fts(["task_no", "title", "content"], tokenize="trigram", create_triggers=True)



SCORING_NEVER_DELETED = ("bonus", "criticism", "panel_score", "publication")


@migrations()
def m003_scoring(db: sqlite_utils.Database) -> None:
    """Hub entries behind the scores (bonuses, criticism, panel scores) and frozen publications."""
    db.executescript(f"""
    CREATE TABLE bonus (
        id INTEGER PRIMARY KEY, {SYNCED},
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        kind TEXT NOT NULL CHECK (kind IN ('approving_instruction', 'commendation', 'public_praise',
            'typical_speech')),
        date TEXT NOT NULL, text TEXT NOT NULL, person TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX bonus_date ON bonus(date);
    CREATE TABLE criticism (
        id INTEGER PRIMARY KEY, {SYNCED},
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        date TEXT NOT NULL, text TEXT NOT NULL, person TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX criticism_date ON criticism(date);
    CREATE TABLE panel_score (
        id INTEGER PRIMARY KEY, {SYNCED},
        month TEXT NOT NULL, leader_id INTEGER NOT NULL REFERENCES leader(id),
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        score REAL NOT NULL CHECK (score BETWEEN 0 AND 10),
        user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX panel_score_month ON panel_score(month, leader_id, unit_id, id);
    CREATE TABLE publication (
        id INTEGER PRIMARY KEY, {SYNCED},
        period TEXT NOT NULL, version INTEGER NOT NULL, rules_version INTEGER NOT NULL,
        published_at TEXT NOT NULL, user_name TEXT NOT NULL, snapshot TEXT NOT NULL,
        superseded_by INTEGER REFERENCES publication(id), reopened_reason TEXT, reopened_at TEXT,
        UNIQUE (period, version));
    CREATE INDEX status_claim_due ON assignment_status(claim_due);
    CREATE INDEX status_report_due ON assignment_status(report_due);
    CREATE INDEX status_base_due ON assignment_status(base_due);
    CREATE INDEX event_kind_date ON event(kind, effective_date);
    CREATE INDEX event_kind_value ON event(kind, date_value);
    """)
    for table in SCORING_NEVER_DELETED:
        db.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END"
        )


ENTRY_KINDS = ("bonus", "criticism", "finding")


@migrations()
def m004_scoring_entries(db: sqlite_utils.Database) -> None:
    """Inspection findings against a unit, and evidence files of bonuses, criticism and findings."""
    db.executescript(f"""
    CREATE TABLE finding (
        id INTEGER PRIMARY KEY, {SYNCED},
        unit_id INTEGER NOT NULL REFERENCES unit(id),
        date TEXT NOT NULL, text TEXT NOT NULL, person TEXT NOT NULL DEFAULT '',
        user_name TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE INDEX finding_date ON finding(date);
    CREATE TABLE entry_evidence (
        id INTEGER PRIMARY KEY, {SYNCED},
        entry_kind TEXT NOT NULL CHECK (entry_kind IN ('bonus', 'criticism', 'finding')),
        entry_id INTEGER NOT NULL,
        sha256 TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL);
    CREATE INDEX entry_evidence_entry ON entry_evidence(entry_kind, entry_id);
    CREATE INDEX bonus_unit ON bonus(unit_id, date);
    CREATE INDEX criticism_unit ON criticism(unit_id, date);
    CREATE INDEX finding_unit ON finding(unit_id, date);
    """)
    for table in ("finding", "entry_evidence"):
        db.execute(
            f"CREATE TRIGGER {table}_never_deleted BEFORE DELETE ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END"
        )


def _all_applied(db: sqlite_utils.Database) -> bool:
    """True when every migration is recorded: one SELECT (sqlite-utils' `pending()` takes five).

    Any doubt (no migrations table yet, an unreadable one) answers False, and the full path decides.
    """
    try:
        applied = {r[0] for r in db.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [migrations.name])}
    except sqlite3.Error:
        return False
    # every registered migration, through the public API: all of them are pending in an empty database
    registered = migrations.pending(sqlite_utils.Database(memory=True))
    return all(m.name in applied for m in registered)


def migrate_database(db: sqlite_utils.Database, path: Path) -> list[str]:
    """Apply pending migrations; back the file up first if it already held data.

    Returns the names of the migrations applied. Each migration runs in its own
    transaction, so a failure leaves the database at the last good step.
    """
    if _all_applied(db):
        return []
    pending = [m.name for m in migrations.pending(db)]
    if not pending:
        return []
    has_data = "_sqlite_migrations" in db.table_names()
    if has_data and str(path) != ":memory:":
        from core.backup.format import unique_name
        from core.backup.write import write_backup

        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        write_backup(db, path, unique_name(path.parent / "backups", f"{path.stem}-before-{pending[0]}-{stamp}"))
    migrations.apply(db)
    return pending


# Rows the app never updates: any UPDATE is refused. Tables the app updates in part refuse updates
# of the columns that never change (DESIGN.md §8: identity and authorship are fixed forever).
IMMUTABLE = ("meeting", "task", "assignment", "evidence", "entry_evidence", "ruleset", "bonus",
             "criticism", "finding", "panel_score")
FIXED_COLUMNS = {
    "unit": ("id", "uuid", "owner", "code", "created_at"),
    "leader": ("id", "uuid", "owner", "name", "created_at"),
    "leader_unit": ("id", "uuid", "owner", "leader_id", "unit_id"),
    "user": ("id", "name", "created_at"),
    "publication": ("id", "uuid", "owner", "period", "version", "rules_version", "published_at", "user_name",
                    "snapshot"),
}


@migrations()
def m005_tamper(db: sqlite_utils.Database) -> None:
    """Tamper evidence: the hash-chained audit log, row seals, the status fingerprint, immutable rows."""
    from core import audit_chain
    from core.work.status import FINGERPRINT_SQL

    db.executescript("""
    ALTER TABLE audit ADD COLUMN prev_hash TEXT;
    ALTER TABLE audit ADD COLUMN hash TEXT;
    CREATE TABLE audit_seal (
        audit_id INTEGER NOT NULL, tbl TEXT NOT NULL, row_id INTEGER NOT NULL, digest TEXT NOT NULL,
        PRIMARY KEY (audit_id, tbl, row_id)) WITHOUT ROWID;
    CREATE TRIGGER audit_seal_append_only BEFORE UPDATE ON audit_seal
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER audit_seal_never_deleted BEFORE DELETE ON audit_seal
        BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END;
    ALTER TABLE assignment_status ADD COLUMN fp INTEGER;
    DROP TRIGGER audit_append_only;
    """)
    db.execute(f"UPDATE assignment_status SET fp = {FINGERPRINT_SQL}")
    # `dirty` is set by any change of the status cache and cleared by status.refresh only when it was
    # clear before: a change made outside the app leaves it set, so the ledger's guard stays cheap.
    db.executescript("""
    CREATE TABLE status_guard (id INTEGER PRIMARY KEY CHECK (id = 1), dirty INTEGER NOT NULL);
    INSERT INTO status_guard VALUES (1, 0);
    CREATE TRIGGER status_guard_insert AFTER INSERT ON assignment_status
        BEGIN UPDATE status_guard SET dirty = 1 WHERE dirty = 0; END;
    CREATE TRIGGER status_guard_update AFTER UPDATE ON assignment_status
        BEGIN UPDATE status_guard SET dirty = 1 WHERE dirty = 0; END;
    CREATE TRIGGER status_guard_delete AFTER DELETE ON assignment_status
        BEGIN UPDATE status_guard SET dirty = 1 WHERE dirty = 0; END;
    CREATE TRIGGER status_guard_never_deleted BEFORE DELETE ON status_guard
        BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END;
    """)
    audit_chain.backfill(db.conn)
    audit_chain.baseline(db.conn, dt.datetime.now(dt.UTC).isoformat(timespec="microseconds"))
    db.execute("CREATE TRIGGER audit_append_only BEFORE UPDATE ON audit "
               "BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END")
    for table in IMMUTABLE:
        db.execute(f"CREATE TRIGGER {table}_immutable BEFORE UPDATE ON [{table}] "
                   f"BEGIN SELECT RAISE(ABORT, 'this row is never edited; record a new one'); END")
    for table, columns in FIXED_COLUMNS.items():
        db.execute(f"CREATE TRIGGER {table}_fixed_columns BEFORE UPDATE OF {', '.join(columns)} ON [{table}] "
                   f"BEGIN SELECT RAISE(ABORT, 'these columns never change'); END")


# The synced tables of m006 (its triggers and change-log backfill; frozen: m009 adds its own).
M006_SYNC_TABLES = ("office", "unit", "leader", "leader_unit", "meeting", "ruleset", "task", "assignment", "event",
                    "evidence", "bonus", "criticism", "finding", "panel_score", "publication", "entry_evidence")
# Tables whose rows travel between offices, in the order a bundle applies them (references first).
SYNC_TABLES = ("office", "unit", "leader", "leader_unit", "meeting", "ruleset", "task", "assignment", "event",
               "evidence", "person", "inspection_group", "group_unit", "inspection", "inspection_unit",
               "inspection_task", "bonus", "criticism", "finding", "accountability", "accountability_evidence",
               "panel_score", "publication", "entry_evidence")
# The hub's holiday calendar travels too; its rows are keyed by date (holiday) and year (holiday_year).
SYNC_KEYED = ("holiday", "holiday_year")


@migrations()
def m006_sync(db: sqlite_utils.Database) -> None:
    """Sync between offices (docs/sync.md): this installation's identity, the change log and sync state.

    The change log is filled by triggers on every synced table, so no write can miss it
    (backup and restore audit entries, imports and direct SQL included). Existing rows
    are logged once, in the order a bundle applies them.
    """
    db.executescript("""
    CREATE TABLE sync_identity (
        id INTEGER PRIMARY KEY CHECK (id = 1), device TEXT NOT NULL, binding TEXT NOT NULL DEFAULT '',
        sign_secret TEXT, enc_secret TEXT, bundles_made INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL);
    INSERT INTO sync_identity (id, device, created_at)
        VALUES (1, lower(hex(randomblob(16))), strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    CREATE TRIGGER sync_identity_never_deleted BEFORE DELETE ON sync_identity
        BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END;
    CREATE TABLE sync_device (
        device TEXT PRIMARY KEY, started_at TEXT NOT NULL, reason TEXT NOT NULL) WITHOUT ROWID;
    INSERT INTO sync_device SELECT device, created_at, 'created' FROM sync_identity;
    CREATE TABLE change_log (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, device TEXT NOT NULL, tbl TEXT NOT NULL, row_id INTEGER NOT NULL);
    CREATE INDEX change_log_device ON change_log(device, seq);
    CREATE INDEX change_log_row ON change_log(tbl, row_id);
    CREATE TABLE office_key (
        id INTEGER PRIMARY KEY, office TEXT NOT NULL, key_id TEXT NOT NULL UNIQUE,
        sign_pub TEXT NOT NULL, enc_pub TEXT NOT NULL, device TEXT NOT NULL DEFAULT '',
        valid_from TEXT NOT NULL, revoked_at TEXT, revoked_reason TEXT NOT NULL DEFAULT '',
        added_at TEXT NOT NULL);
    CREATE INDEX office_key_office ON office_key(office);
    CREATE TABLE enrollment (
        id INTEGER PRIMARY KEY, office TEXT NOT NULL, proof_key TEXT NOT NULL, made_at TEXT NOT NULL,
        expires_on TEXT NOT NULL, used_at TEXT, used_key TEXT, superseded INTEGER NOT NULL DEFAULT 0);
    CREATE INDEX enrollment_office ON enrollment(office);
    CREATE TABLE sync_peer_ack (
        peer TEXT NOT NULL, device TEXT NOT NULL, upto INTEGER NOT NULL, PRIMARY KEY (peer, device)) WITHOUT ROWID;
    CREATE TABLE sync_received (
        peer TEXT NOT NULL, device TEXT NOT NULL, upto INTEGER NOT NULL, PRIMARY KEY (peer, device)) WITHOUT ROWID;
    CREATE TABLE sync_peer_state (
        peer TEXT PRIMARY KEY, device TEXT NOT NULL, bundle_no INTEGER NOT NULL, lineage TEXT NOT NULL
        ) WITHOUT ROWID;
    CREATE TABLE sync_seen (
        device TEXT NOT NULL, seq INTEGER NOT NULL, tbl TEXT NOT NULL, uuid TEXT NOT NULL, rev INTEGER NOT NULL,
        PRIMARY KEY (device, seq)) WITHOUT ROWID;
    CREATE TABLE sync_bundle (
        id INTEGER PRIMARY KEY, bundle_id TEXT NOT NULL, direction TEXT NOT NULL CHECK (direction IN ('out', 'in')),
        peer TEXT NOT NULL, kind TEXT NOT NULL, file TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '',
        size INTEGER NOT NULL DEFAULT 0, ranges TEXT NOT NULL DEFAULT '{}',
        status TEXT NOT NULL, reason TEXT NOT NULL DEFAULT '', report TEXT NOT NULL DEFAULT '{}',
        at TEXT NOT NULL, seen INTEGER NOT NULL DEFAULT 0, UNIQUE (bundle_id, direction));
    """)
    for table in (*M006_SYNC_TABLES, *SYNC_KEYED):
        for when in ("INSERT", "UPDATE"):
            db.execute(f"CREATE TRIGGER {table}_change_{when.lower()} AFTER {when} ON [{table}] BEGIN "
                       f"INSERT INTO change_log (device, tbl, row_id) "
                       f"SELECT device, '{table}', new.rowid FROM sync_identity; END")
    for table in (*M006_SYNC_TABLES, *SYNC_KEYED):
        db.execute(f"INSERT INTO change_log (device, tbl, row_id) "
                   f"SELECT (SELECT device FROM sync_identity), '{table}', rowid FROM [{table}] ORDER BY rowid")


@migrations()
def m007_import_marks(db: sqlite_utils.Database) -> None:
    """Import marks (docs/sync.md, "The ledger after an import"): which assignments each imported bundle
    changed, with the kinds of the records it brought, until their task is opened (`seen_at`). Local: never
    synced (no change-log trigger), never sealed; core/sync/marks.py writes and reads it."""
    db.executescript("""
    CREATE TABLE import_mark (
        assignment_id INTEGER NOT NULL REFERENCES assignment(id), bundle_id TEXT NOT NULL,
        peer TEXT NOT NULL, at TEXT NOT NULL, kinds TEXT NOT NULL, seen_at TEXT,
        PRIMARY KEY (assignment_id, bundle_id)) WITHOUT ROWID;
    CREATE INDEX import_mark_unseen ON import_mark(assignment_id) WHERE seen_at IS NULL;
    CREATE INDEX import_mark_at ON import_mark(at);
    """)


@migrations()
def m008_document_numbers(db: sqlite_utils.Database) -> None:
    """The numbers given to the official documents (发文字号), kept so a reprint shows the same number.

    Local to this office (never synced). One row per document: its kind (notice, urge,
    monthly, quarterly) and subject (the task number, the REF and day, the period), the
    year and the number within the kind and year, the text printed and the day it was
    first printed. Rows are never deleted.
    """
    db.executescript("""
    CREATE TABLE document_number (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, subject TEXT NOT NULL, year INTEGER NOT NULL,
        n INTEGER NOT NULL CHECK (n >= 1), number TEXT NOT NULL, issued_on TEXT NOT NULL,
        UNIQUE (kind, subject), UNIQUE (kind, year, n));
    CREATE TRIGGER document_number_never_deleted BEFORE DELETE ON document_number
        BEGIN SELECT RAISE(ABORT, 'nothing is ever deleted'); END;
    """)


@migrations()
def m009_supervision(db: sqlite_utils.Database) -> None:
    """Supervision (docs/design.md §7): people, inspection groups, inspections, findings extended,
    accountability actions; the SQL and its contract are in core/db/m009_supervision.py."""
    m009_sql.apply(db, SYNCED)


@migrations()
def m010_task_due_days(db: sqlite_utils.Database) -> None:
    """A task's own completion period, `task.due_days` (docs/design.md §3); see core/db/m010_task_due_days.py."""
    m010_sql.apply(db)


# Columns that never change, every table (m005's and m009's): what a synced update may not touch.
ALL_FIXED_COLUMNS = {**FIXED_COLUMNS, **M009_FIXED_COLUMNS}
