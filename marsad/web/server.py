"""Running the web application: localhost by default, a token required anywhere else."""

from __future__ import annotations

from pathlib import Path

import uvicorn

from marsad.errors import MarsadError
from marsad.web.app import create_app

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def check_binding(host: str, token: str | None) -> None:
    """Refuse to bind beyond this machine without a token."""
    if host not in LOCAL_HOSTS and not token:
        raise MarsadError(f"serving on {host} exposes the store to the network: give a --token (or MARSAD_TOKEN)")


def serve(db: Path, host: str = "127.0.0.1", port: int = 8000, token: str | None = None,
          upload_dir: Path | None = None) -> None:
    """Serve the store at `db` until interrupted."""
    check_binding(host, token)
    uvicorn.run(create_app(db, token, upload_dir), host=host, port=port, log_level="warning")
