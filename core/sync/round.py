"""One sync round against a folder (the stick): import what is addressed here, then write what is owed.

Contract:
- `inbox(session, folder)` lists the `.closeloop` files in `folder` (never
  `.partial` ones): for each, to whom it is addressed (from its clear header),
  whether it is for this office, whether it was already imported here, or why it
  cannot be read. Reads only the headers (and hashes the files addressed here).
- `sync_folder(session, folder, progress=None, cancelled=None)` imports every bundle
  addressed to this office (oldest name first; each one refused is listed with its
  sentence and the others go on), then writes a bundle for the other side (a unit:
  for the hub; the hub: one per unit whose key it knows). `progress(done, total,
  what)` is called between steps; `cancelled()` is asked between steps and stops the
  round before the next one (what was imported stays imported; a bundle is never
  left half written). `RoundReport.safe_to_remove` is True only when every bundle
  written was read back and checked.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import Refusal
from core.i18n import _
from core.office import Session
from core.sync import exporter, importer, stream_crypto
from core.sync.bundle_file import file_digest
from core.sync.selection import peer_rows


@dataclass(frozen=True)
class InboxEntry:
    path: Path
    to_code: str
    for_here: bool
    imported: bool
    problem: str = ""


@dataclass
class RoundReport:
    imports: list[importer.ImportReport] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (file name, sentence)
    written: list[exporter.Exported] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (office name, why)
    cancelled: bool = False
    safe_to_remove: bool = False

    def sentences(self) -> list[str]:
        out: list[str] = []
        for report in self.imports:
            out += report.sentences()
        for name, why in self.refused:
            out.append(_("Refused {file}: {why}").format(file=name, why=why))
        for e in self.written:
            out.append(_("Bundle for {office} written: {file}.").format(office=e.peer.name, file=e.path.name))
        for office, why in self.skipped:
            out.append(_("No bundle for {office}: {why}.").format(office=office, why=why))
        if self.cancelled:
            out.append(_("The round was cancelled; what was imported stays imported, nothing is half written."))
        if self.safe_to_remove:
            out.append(_("Every bundle was read back and checked: the stick may be removed."))
        return out


def _bundle_files(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.closeloop") if p.is_file())


def inbox(session: Session, folder: str | Path) -> list[InboxEntry]:
    """The bundles in `folder`, for this office or not, imported or not (see the module contract)."""
    imported = {r[0] for r in session.db.execute(
        "SELECT sha256 FROM sync_bundle WHERE direction = 'in' AND status = 'applied' AND sha256 != ''")}
    out = []
    for path in _bundle_files(Path(folder)):
        try:
            with open(path, "rb") as f:
                header = stream_crypto.read_header(f)
        except (OSError, Refusal) as err:
            out.append(InboxEntry(path, "", False, False, str(err)))
            continue
        for_here = header.fields.get("to_office") == session.office.uuid and header.mode == "x25519"
        done = for_here and file_digest(path)[0] in imported
        out.append(InboxEntry(path, str(header.fields.get("to_code", "")), for_here, done))
    return out


def sync_folder(session: Session, folder: str | Path, *, progress: Callable[[int, int, str], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> RoundReport:
    """Import what is addressed here, then write what is owed (see the module contract)."""
    exporter.require_folder(folder)
    folder = Path(folder)
    report = RoundReport()
    todo = [e for e in inbox(session, folder) if e.for_here and not e.imported]
    peers = [p for p in peer_rows(session.db.conn) if (p.role == "unit") == session.is_hub]
    total = len(todo) + len(peers)
    step = 0

    def tick(what: str) -> bool:
        nonlocal step
        if progress:
            progress(step, total, what)
        step += 1
        if cancelled and cancelled():
            report.cancelled = True
        return report.cancelled

    for entry in todo:
        if tick(_("Importing {file}").format(file=entry.path.name)):
            return report
        try:
            report.imports.append(importer.import_bundle(session, entry.path))
        except Refusal as err:
            report.refused.append((entry.path.name, str(err)))
    for peer in peers:
        if tick(_("Writing the bundle for {office}").format(office=peer.name)):
            return report
        if exporter.peer_key(session.db, peer) is None:
            report.skipped.append((peer.name, _("its first bundle, which carries its key, has not been imported yet")))
            continue
        report.written.append(exporter.export_bundle(session, peer, folder))
    if progress:
        progress(total, total, _("Done"))
    report.safe_to_remove = not report.cancelled
    return report
