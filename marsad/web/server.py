"""Running the web application: localhost by default, a token required anywhere else."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn
from fastapi import FastAPI

from marsad.errors import MarsadError
from marsad.web.app import create_app

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_binding(host: str, token: str | None) -> None:
    """Refuse to bind beyond this machine without a token."""
    if host not in LOCAL_HOSTS and not token:
        raise MarsadError(f"serving on {host} exposes the store to the network: give a --token (or MARSAD_TOKEN)")


def serve(db: str | Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          upload_dir: Path | None = None) -> None:
    """Serve the store at `db` until interrupted."""
    check_binding(host, token)
    uvicorn.run(create_app(db, token, upload_dir), host=host, port=port, log_level="warning")


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
