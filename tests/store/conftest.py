"""The store contract suite runs every test against both backends.

The PostgreSQL half needs a server: `MARSAD_TEST_POSTGRES` names one
(`scripts/with-postgres` starts a throw-away one and sets it; CI runs the suite
that way). Each test gets a database of its own, dropped afterwards. Without
the variable the PostgreSQL half is skipped, with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from marsad.pipeline import ingest
from marsad.store.base import Store
from marsad.store.factory import open_store

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus"
SERVER = os.environ.get("MARSAD_TEST_POSTGRES")
NO_SERVER = "no PostgreSQL server: set MARSAD_TEST_POSTGRES (scripts/with-postgres COMMAND starts one)"
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.skipif(not SERVER, reason=NO_SERVER))]

Locations = Callable[[], str]  # each call: the location of a new, empty store


def _databases(prefix: str) -> Iterator[Locations]:
    """New PostgreSQL databases on the test server, dropped at the end."""
    import psycopg

    assert SERVER is not None
    made: list[str] = []

    def new() -> str:
        name = f"{prefix}_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(SERVER, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        made.append(name)
        parts = urlsplit(SERVER)
        return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))

    try:
        yield new
    finally:
        with psycopg.connect(SERVER, autocommit=True) as admin:
            for name in made:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _files(folder: Path) -> Iterator[Locations]:
    count = 0

    def new() -> str:
        nonlocal count
        count += 1
        return str(folder / f"store{count}.db")

    yield new


@pytest.fixture(params=BACKENDS)
def locations(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Locations]:
    """Makes new, empty stores of one backend (each test runs once per backend)."""
    yield from (_databases("marsad_test") if request.param == "postgresql" else _files(tmp_path))


@pytest.fixture
def store(locations: Locations) -> Iterator[Store]:
    """A new, empty store of one backend."""
    opened = open_store(locations())
    yield opened
    opened.close()


@pytest.fixture(scope="session", params=BACKENDS)
def examples(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """A store of one backend holding the example corpus (ingested without understanding), shared by every
    test that only reads it."""
    folder = tmp_path_factory.mktemp("examples")
    made = _databases("marsad_examples") if request.param == "postgresql" else _files(folder)
    new = next(made)
    opened = open_store(new())
    report = ingest([str(EXAMPLES)], opened)
    assert report.ok and report.ingested == 9, report.problems
    yield opened
    opened.close()
    made.close()


@pytest.fixture
def server_locations() -> Iterator[Locations]:
    """Makes new, empty PostgreSQL stores (the test is skipped without a server)."""
    if not SERVER:
        pytest.skip(NO_SERVER)
    yield from _databases("marsad_test")
