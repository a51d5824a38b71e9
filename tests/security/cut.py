"""A PostgreSQL socket the test can cut and restore: the database 'goes down' for the app
alone, while the real server (shared by the whole test run) keeps running."""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path

from psycopg.conninfo import conninfo_to_dict, make_conninfo


class CuttableDatabase:
    """Forwards a Unix socket of its own to the server's; `cut()` drops every connection
    and turns new ones away at once, `restore()` lets them through again."""

    def __init__(self, dsn: str) -> None:
        params = conninfo_to_dict(dsn)
        sockets = glob.glob(os.path.join(str(params["host"]), ".s.PGSQL.*"))
        sockets = [s for s in sockets if not s.endswith(".lock")]
        assert len(sockets) == 1, sockets
        self.target = sockets[0]
        self.folder = Path(tempfile.mkdtemp(prefix="rv-cut-"))  # socket paths: 108 bytes at most
        port = self.target.rsplit(".", 1)[1]
        self.listener = socket.socket(socket.AF_UNIX)
        self.listener.bind(str(self.folder / f".s.PGSQL.{port}"))
        self.listener.listen(16)
        self.dsn = make_conninfo(dsn, host=str(self.folder), port=port)
        self.up = threading.Event()
        self.up.set()
        self.closed = threading.Event()
        self.open: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up.is_set():
                client.close()  # as a server that is down: the connection ends at once
                continue
            server = socket.socket(socket.AF_UNIX)
            server.connect(self.target)
            with self.lock:
                self.open.update((client, server))
            for a, b in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while chunk := source.recv(65536):
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            self._drop(source, sink)

    def _drop(self, *ends: socket.socket) -> None:
        with self.lock:
            for end in ends:
                self.open.discard(end)
                with contextlib.suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)
                end.close()

    def cut(self) -> None:
        self.up.clear()
        with self.lock:
            ends = list(self.open)
        self._drop(*ends)

    def restore(self) -> None:
        self.up.set()

    def close(self) -> None:
        self.closed.set()
        self.cut()
        with contextlib.suppress(OSError):
            self.listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() above
        self.listener.close()
        shutil.rmtree(self.folder, ignore_errors=True)
