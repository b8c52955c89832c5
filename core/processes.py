"""Whether another process of this computer is still running, for cleaning up what a killed one left.

Contract: `pid_alive(pid)` is True or False where the system can tell without
disturbing the process (POSIX: signal 0), and None on Windows, where
`os.kill(pid, 0)` would send CTRL_C_EVENT: the caller decides by other means
(an open file cannot be removed there; a folder's age). Pure; any thread.
"""
from __future__ import annotations

import os


def pid_alive(pid: int) -> bool | None:
    if pid == os.getpid():
        return True
    if os.name == "nt":
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True
