"""`marsad export`: a store's articles, annotations, claims or stories as Parquet, JSON Lines or CSV."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, BinaryIO

import typer
from rich.console import Console
from rich.markup import escape

from marsad.errors import MarsadError
from marsad.store.factory import describe, is_server, open_store

err = Console(stderr=True, soft_wrap=True)


def export_command(
    db: Annotated[str, typer.Option("--db", help="Store: an SQLite file or postgresql://USER@HOST/DB (env MARSAD_DB).",
                                    envvar="MARSAD_DB")] = "marsad.db",
    fmt: Annotated[str, typer.Option("--format", help="parquet, jsonl or csv.")] = "parquet",
    what: Annotated[str, typer.Option("--what", help="articles, annotations, claims or stories.")] = "articles",
    out: Annotated[str, typer.Option("--out", help="File to write, or - for stdout.")] = "-",
) -> None:
    """Write a table of the store for pandas, DuckDB or Spark (schemas: docs/export.md)."""
    from marsad.export import FORMATS, SCHEMAS, export  # pyarrow loads only for this command

    if fmt not in FORMATS or what not in SCHEMAS:
        err.print(f"[red]error[/red] --format must be one of {', '.join(FORMATS)} and --what one of "
                  f"{', '.join(SCHEMAS)}, not {escape(fmt)!r} / {escape(what)!r}", highlight=False)
        raise typer.Exit(2)
    if not is_server(db) and not Path(db).exists():
        err.print(f"[red]error[/red] no store at {escape(db)}: run `marsad ingest PATH --db {escape(db)}` first")
        raise typer.Exit(2)
    try:
        store = open_store(db)
        with _output(out) as stream:
            rows = export(store, what, fmt, stream)
        store.close()
    except (MarsadError, OSError) as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(1) from exc
    err.print(f"exported {rows} {what} rows of {escape(describe(db))} as {fmt}"
              + ("" if out == "-" else f" to {escape(out)}"), highlight=False)


@contextmanager
def _output(out: str) -> Iterator[BinaryIO]:
    """`out` opened for binary writing (stdout for -), closed at the end unless it is stdout."""
    if out == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    with open(out, "wb") as stream:
        yield stream
