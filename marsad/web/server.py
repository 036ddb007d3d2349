"""Running the web application: localhost by default, a token required anywhere else, and only the
host names it is given (see `marsad.web.hosts`)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from marsad.errors import MarsadError
from marsad.web.app import create_app
from marsad.web.hosts import LOCAL_HOSTS, allowed_hosts

__all__ = ["LOCAL_HOSTS", "check_binding", "listen", "serve", "serving_in_background"]
# Connections waiting to be accepted.
BACKLOG = 2048


def check_binding(host: str, token: str | None) -> None:
    """Refuse to bind beyond this machine without a token."""
    if host not in LOCAL_HOSTS and not token:
        raise MarsadError(f"serving on {host} exposes the store to the network: give a --token (or MARSAD_TOKEN)")


def listen(host: str, port: int) -> socket.socket:
    """A socket bound to `host`:`port` and listening; `OSError` when the port is taken or not allowed."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(BACKLOG)
    except OSError:
        sock.close()
        raise
    return sock


def serve(db: str | Path, sock: socket.socket, host: str, token: str | None = None, upload_dir: Path | None = None,
          extra_hosts: Iterable[str] = ()) -> None:
    """Serve the store at `db` on a socket listening on `host` (see `listen`) until interrupted;
    requests must name `host`, a loopback name or one of `extra_hosts`."""
    check_binding(host, token)
    app = create_app(db, token, upload_dir, allowed_hosts(host, extra_hosts))
    uvicorn.Server(uvicorn.Config(app, log_level="warning")).run(sockets=[sock])


@contextmanager
def serving_in_background(app: FastAPI) -> Iterator[str]:
    """Serve `app` on a free local port in a daemon thread (for tests and benchmarks); yield its base URL.

    On leaving, the server stops and the application's worker threads with it."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started and thread.is_alive():
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        app.state.marsad.close()
