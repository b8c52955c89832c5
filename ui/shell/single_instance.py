"""One running Closeloop per database: a second launch asks the first to come forward, then exits.

Contract:
- `server_name(db_path)` is the same for every launch on the same database by
  the same OS user: "closeloop-" + a hash of the resolved path and the user name
  (a local socket's name must be short and must not contain the path itself).
- `SingleInstance(db_path).claim()` (GUI thread, after the QApplication exists)
  returns True when this process is now the database's primary instance (it
  listens on the local server), or False after telling the running primary to
  raise its window — the caller then exits with code 0. A stale server left by
  a crashed process is removed and taken over.
- The primary emits `activated` (GUI thread) each time a later launch knocks.
- `close()` stops listening (idempotent); the process's end does it too.
"""
from __future__ import annotations

import getpass
import hashlib
import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtNetwork import QLocalServer, QLocalSocket

log = logging.getLogger(__name__)

MESSAGE = b"raise\n"
CONNECT_TIMEOUT_MS = 500


def server_name(db_path: str | Path) -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        user = ""
    key = f"{Path(db_path).expanduser().resolve()}\0{user}".encode()
    return "closeloop-" + hashlib.sha256(key).hexdigest()[:24]


class SingleInstance(QObject):
    """The local server of the primary instance, or the knock of a later one (see module contract)."""

    activated = Signal()

    def __init__(self, db_path: str | Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(db_path)
        self.server: QLocalServer | None = None
        self._sockets: list[QLocalSocket] = []

    def claim(self) -> bool:
        """Become the primary (True) or knock on the running one (False)."""
        if self.server is not None:
            return True
        if self._knock():
            return False
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)  # a crashed process left its socket behind
            if not server.listen(self.name):
                # Never keep the user from working: run without the single-instance guard.
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                return True
        server.newConnection.connect(self._on_connection)
        self.server = server
        return True

    def _knock(self) -> bool:
        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(CONNECT_TIMEOUT_MS):
            return False
        socket.write(MESSAGE)
        socket.flush()
        socket.waitForBytesWritten(CONNECT_TIMEOUT_MS)
        socket.disconnectFromServer()
        if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
            socket.waitForDisconnected(CONNECT_TIMEOUT_MS)
        return True

    @Slot()
    def _on_connection(self) -> None:
        assert self.server is not None
        while (socket := self.server.nextPendingConnection()) is not None:
            self._sockets.append(socket)
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._read(s, closing=True))
            if socket.bytesAvailable():
                self._read(socket)

    def _read(self, socket: QLocalSocket, *, closing: bool = False) -> None:
        if socket not in self._sockets:
            return
        if socket.canReadLine() or (closing and socket.bytesAvailable()):
            data = bytes(socket.readAll().data())
            self._drop(socket)
            if data.strip() == MESSAGE.strip():
                self.activated.emit()
            else:
                log.warning("unexpected message on %s: %.40r", self.name, data)
        elif closing:
            self._drop(socket)

    def _drop(self, socket: QLocalSocket) -> None:
        """Forget a connection; its signals are cut first (aborting emits `disconnected`)."""
        self._sockets.remove(socket)
        socket.readyRead.disconnect()
        socket.disconnected.disconnect()
        socket.abort()
        socket.deleteLater()

    def close(self) -> None:
        for socket in list(self._sockets):
            self._drop(socket)
        if self.server is not None:
            self.server.newConnection.disconnect()
            self.server.close()
            self.server.deleteLater()
            self.server = None
