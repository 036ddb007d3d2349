"""Open a store from what a user names: an SQLite file path, or a PostgreSQL URL."""

from __future__ import annotations

from pathlib import Path

from marsad.errors import StoreError
from marsad.store.base import Store

SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server(location: str | Path) -> bool:
    """True when `location` names a PostgreSQL server rather than an SQLite file."""
    return isinstance(location, str) and location.startswith(SERVER_SCHEMES)


def open_store(location: str | Path) -> Store:
    """The store at `location`: `postgresql://USER@HOST/DB` (psycopg's URL form) or a file path."""
    if is_server(location):
        try:
            from marsad.store.postgres import PostgresStore  # psycopg loads only for a server store
        except ImportError as exc:
            raise StoreError(f"a PostgreSQL store needs psycopg: pip install 'marsad[postgres]' ({exc})") from exc
        return PostgresStore(str(location))
    from marsad.store.sqlite import SQLiteStore

    return SQLiteStore(location)


def describe(location: str | Path) -> str:
    """`location` fit to print: a server URL without its password."""
    text = str(location)
    if not is_server(text) or "@" not in text.split("//", 1)[1].split("/", 1)[0]:
        return text
    scheme, rest = text.split("//", 1)
    credentials, host = rest.split("@", 1)
    return f"{scheme}//{credentials.split(':', 1)[0]}@{host}"
