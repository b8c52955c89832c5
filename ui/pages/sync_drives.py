"""The sticks the sync page offers: removable drives as QStorageInfo sees them.

Contract: `removable_drives()` (any thread that may use Qt core classes; the
page calls it on the GUI thread every few seconds) returns `(root path, label)`
for each mounted, ready volume that stands for a USB stick: on Windows a drive
letter other than the system drive; elsewhere a volume mounted under `/media/`
or `/run/media/` (where udisks mounts what is plugged in). Reads only the mount
table, never a file on the drive, so a slow stick does not stall the caller.
"""
from __future__ import annotations

import re
import sys

from PySide6.QtCore import QStorageInfo

_DRIVE_LETTER = re.compile(r"^[A-Za-z]:[/\\]?$")
_MOUNT_PREFIXES = ("/media/", "/run/media/")


def _is_stick(root: str, system_root: str) -> bool:
    if sys.platform == "win32":
        return bool(_DRIVE_LETTER.match(root)) and root.rstrip("/\\").lower() != system_root.rstrip("/\\").lower()
    return root.startswith(_MOUNT_PREFIXES)


def removable_drives() -> list[tuple[str, str]]:
    """The mounted sticks, as (root path, label), in mount-table order (see the module contract)."""
    system_root = QStorageInfo.root().rootPath()
    out: list[tuple[str, str]] = []
    for volume in QStorageInfo.mountedVolumes():
        if not volume.isValid() or not volume.isReady():
            continue
        root = volume.rootPath()
        if not _is_stick(root, system_root):
            continue
        name = volume.displayName() or volume.name() or root
        out.append((root, name if name == root else f"{name} ({root})"))
    return out
