"""The `marsad` command. Each command parses its options and calls one library function."""

from __future__ import annotations

import csv
import errno
import logging
import os
import secrets
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from marsad.brief.render import FORMATS as BRIEF_FORMATS
from marsad.brief.render import brief_html, brief_json, brief_markdown
from marsad.brief.story import story_brief
from marsad.claims.align import Alignment
from marsad.claims.export import alignment_json
from marsad.claims.pairs_io import read_limited, read_pairs
from marsad.claims.stance import LABELS as STANCE_LABELS
from marsad.claims.stance import classify_pairs_proba
from marsad.cli.export import export_command
from marsad.cli.output import (
    article_json,
    print_json,
    safe_line,
    safe_text,
    statement_json,
    story_json,
    summary_json,
    timeline_json,
)
from marsad.dates.timeline import timeline
from marsad.engine.local import Engine
from marsad.entities.resolve import entity_json
from marsad.entities.tagger import tag_conll
from marsad.errors import MarsadError
from marsad.ingest.fields import FieldMap
from marsad.ingest.sources import Metadata
from marsad.pipeline import IngestReport, clean_inputs, ingest, reannotate
from marsad.records import Article, Problem
from marsad.relate.analysis import refresh_analyses
from marsad.relate.story import align_story, story_entities, story_statements, story_timeline
from marsad.store.base import ArticleFilter, Store, StoryFilter
from marsad.store.factory import describe, is_server, open_store
from marsad.stories.assign import RebuildReport, assign_new
from marsad.stories.assign import rebuild as stories_rebuild
from marsad.stories.query import list_stories
from marsad.stories.records import Story
from marsad.understand.storage import attach_annotations, read_understood
from marsad.understand.version import model_version
from marsad.understand.workers import Understanding, understand_articles

app = typer.Typer(
    help="marsad: a deduplicated, source-attributed picture of events from piles of news articles.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)  # one line per message, even in a pipe

DEFAULT_DB = "marsad.db"
DB_HELP = "Store: an SQLite file, or a PostgreSQL server as postgresql://USER@HOST/DB (env MARSAD_DB)."
DbOption = Annotated[str, typer.Option("--db", help=DB_HELP, envvar="MARSAD_DB")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
SourceOption = Annotated[
    str | None, typer.Option("--source", "--outlet", help="Outlet, for documents that lack one.")
]
PublishedOption = Annotated[
    str | None, typer.Option("--published", help="Publication date (YYYY-MM-DD), where missing.")
]
LanguageOption = Annotated[
    str | None, typer.Option("--language", help="Language code, where missing.")
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", min=1, help="Processes that understand articles (default: all cores).")
]
ReadPaths = Annotated[
    list[str] | None, typer.Argument(help="Files, directories, or - for stdin; none: read the store (--db).")
]
ReadDbOption = Annotated[
    str | None, typer.Option("--db", help="Store to read when no PATH is given (env MARSAD_DB).")
]
StoryOption = Annotated[str | None, typer.Option("--story", help="Only the articles of this story (store).")]
OutletOption = Annotated[str | None, typer.Option(
    "--outlet", "--source", help="With PATHs: the outlet of documents that lack one; on a store: only its articles."
)]
SinceOption = Annotated[str | None, typer.Option("--since", help="Only articles published on or after YYYY-MM-DD.")]
UntilOption = Annotated[str | None, typer.Option("--until", help="Only articles published on or before YYYY-MM-DD.")]
LimitOption = Annotated[int, typer.Option("--limit", min=1, help="At most this many articles of the store.")]
READ_LIMIT = 200  # articles a reading command takes from a store unless told otherwise


@app.command("ingest")
def ingest_command(
    paths: Annotated[list[str], typer.Argument(help="Files, directories, or - for stdin.")],
    db: DbOption = DEFAULT_DB,
    source: SourceOption = None,
    published: PublishedOption = None,
    language: LanguageOption = None,
    workers: WorkersOption = None,
    no_understand: Annotated[
        bool, typer.Option("--no-understand", help="Clean, deduplicate and group only (no entities, claims).")
    ] = False,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="Run the per-article stages on a Dask cluster: tcp://HOST:PORT, or local to start one"
                            " here (--workers processes); needs marsad[cluster]."
    )] = None,
    no_analyses: Annotated[bool, typer.Option(
        "--no-analyses", help="Leave the analyses of the stories (entities, claims, brief) to their first reader.",
    )] = False,
    field_specs: Annotated[list[str] | None, typer.Option(
        "--field", metavar="SLOT=FIELD",
        help="JSON/CSV field that fills one of marsad's slots (text, html, url, source, title, published,"
             " author, language, id), e.g. --field published=date_extracted; repeatable.",
    )] = None,
    as_json: JsonOption = False,
) -> None:
    """Read, clean, deduplicate, understand and store articles; report what was skipped and why."""
    try:
        fields = FieldMap.parse(field_specs or [])
    except MarsadError as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
    store = _open(db)
    defaults = Metadata(outlet=source, published=published, language=language)
    with _progress() as progress, _cluster(scheduler, workers) as engine, Understanding(workers) as understanding:
        reading = progress.add_task("reading", total=None)
        understood = progress.add_task("understanding", total=None, visible=not no_understand)
        report = ingest(
            paths, store, defaults, lambda n: progress.advance(reading, n),
            None if no_understand else understanding, lambda n: progress.advance(understood, n), engine,
            fields=fields,
        )
        if not (no_understand or no_analyses):
            analysing = progress.add_task("analysing stories", total=len(report.stories))
            report.analysed = refresh_analyses(store, sorted(report.stories), lambda n: progress.advance(analysing, n))
    total = store.count()
    store.close()
    for problem in report.problems:
        err.print(f"[red]error[/red] {safe_line(str(problem))}", highlight=False, soft_wrap=True)
    for warning in report.warnings:
        err.print(f"[yellow]warning[/yellow] {safe_line(str(warning))}", highlight=False, soft_wrap=True)
    if as_json:
        print_json(_report_json(report, total, db))
    else:
        _print_report(report, total, db)
    raise typer.Exit(0 if report.ok else 1)


@app.command("reannotate")
def reannotate_command(
    db: DbOption = DEFAULT_DB,
    workers: WorkersOption = None,
    everything: Annotated[bool, typer.Option("--all", help="Redo every annotation, current ones too.")] = False,
) -> None:
    """Understand again the articles whose annotations are missing or were made by other models."""
    store = _open(db, must_exist=True)
    version = model_version()
    ids = store.article_ids(ArticleFilter()) if everything else store.unannotated(version)
    with _progress() as progress, Understanding(workers) as understanding:
        task = progress.add_task("understanding", total=len(ids))
        done = reannotate(store, ids, understanding, lambda n: progress.advance(task, n))
    store.close()
    out.print(f"annotated {done} articles with models {version} — {describe(db)}", highlight=False)


@app.command("clean")
def clean_command(
    file: Annotated[str, typer.Argument(help="An article file (any supported format), or -.")],
    source: SourceOption = None,
    published: PublishedOption = None,
    language: LanguageOption = None,
    as_json: JsonOption = False,
) -> None:
    """Print the cleaned article: title on the first line, then paragraphs separated by blank lines.

    With --json: the full record (removed lines with reasons, language,
    machine-translation score, metadata); an array when the file holds several articles.
    """
    articles, failed = _clean_all([file], Metadata(outlet=source, published=published, language=language))
    if as_json:
        records = [article_json(a) for a in articles]
        print_json(records[0] if len(records) == 1 else records)
    else:
        sys.stdout.write("\n\n\n".join(a.text for a in articles) + ("\n" if articles else ""))
    raise typer.Exit(1 if failed else 0)


@app.command("list")
def list_command(
    db: DbOption = DEFAULT_DB,
    outlet: Annotated[str | None, typer.Option(help="Only this outlet.")] = None,
    limit: Annotated[int, typer.Option(help="How many articles.")] = 50,
    offset: Annotated[int, typer.Option(help="Skip this many first.")] = 0,
    as_json: JsonOption = False,
) -> None:
    """List stored articles in publication order."""
    store = _open(db, must_exist=True)
    rows = store.summaries(limit=limit, offset=offset, outlet=outlet)
    more = bool(store.summaries(limit=1, offset=offset + limit, outlet=outlet))
    total = None if outlet else store.count()
    store.close()
    if as_json:
        print_json([summary_json(r) for r in rows])
        return
    table = Table("id", "published", "outlet", "lang", "MT", "title", box=None)
    for r in rows:
        mark = " (dup)" if r.duplicate_of else ""
        table.add_row(r.id, (r.published or "")[:10], safe_line(r.outlet or ""), r.language,
                      f"{r.machine_translation:.2f}", safe_line((r.title or "")[:70]) + mark)
    out.print(table)
    err.print(_page_line(len(rows), offset, limit, total, more), highlight=False)


def _page_line(shown: int, offset: int, limit: int, total: int | None, more: bool) -> str:
    """"articles 1-50 of 312; the next ones: --offset 50" under a listing."""
    span = f"articles {offset + 1}-{offset + shown}" if shown else f"no articles after the first {offset}"
    of = f" of {total}" if total is not None else ""
    return f"{span}{of}" + (f"; the next ones: --offset {offset + limit}" if more else "")


@app.command("show")
def show_command(
    article_id: Annotated[str, typer.Argument(metavar="ID", help="Article id (or a unique prefix).")],
    db: DbOption = DEFAULT_DB,
    removed: Annotated[bool, typer.Option("--removed", help="Also list removed lines.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Print the exact input bytes instead.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Show one article: metadata, clean text, links to copies and originals."""
    store = _open(db, must_exist=True)
    article = store.article(article_id)
    if article is None:
        err.print(f"[red]error[/red] no article with id {article_id!r} in {escape(describe(db))}")
        raise typer.Exit(1)
    if raw:
        sys.stdout.buffer.write(store.raw_bytes(article.raw_sha256) or b"")
        return
    links = store.links_of(article.id)
    if as_json:
        record = article_json(article)
        record["links"] = [link.__dict__ for link in links]
        print_json(record)
        return
    _print_article(article, links, removed)


@app.command("search")
def search_command(
    query: Annotated[str, typer.Argument(help="Words to find (Arabic spelling variants match).")],
    db: DbOption = DEFAULT_DB,
    limit: Annotated[int, typer.Option(help="How many results.")] = 20,
    as_json: JsonOption = False,
) -> None:
    """Full-text search over the stored articles (normalised Arabic)."""
    store = _open(db, must_exist=True)
    hits = store.search(query, limit=limit)
    if as_json:
        print_json([{**summary_json(h.summary), "snippet": h.snippet, "score": round(h.score, 3)}
                    for h in hits])
        return
    for hit in hits:
        s = hit.summary
        out.print(f"[bold]{s.id}[/bold] {(s.published or '')[:10]} {s.outlet or ''} — {s.title or ''}",
                  highlight=False)
        out.print(f"    {hit.snippet}", highlight=False)
    if not hits:
        err.print("no match")


@app.command("timeline")
def timeline_command(
    paths: ReadPaths = None,
    db: ReadDbOption = None,
    story: StoryOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = READ_LIMIT,
    published: PublishedOption = None,
    as_json: JsonOption = False,
) -> None:
    """The dated events of the articles in date order, each with its sentence and article.

    Relative dates (يوم الاثنين, الخميس الماضي, منتصف يونيو الجاري) are resolved
    against each article's publication date.
    """
    if paths:
        articles, failed = _clean_all(paths, Metadata(outlet=outlet, published=published))
        entries = timeline(articles)
    else:
        store, where = _open_read(db), ArticleFilter(story, outlet, since, until)
        articles = [a for a in (store.article(i) for i in _article_ids(store, where, limit)) if a is not None]
        attach_annotations(store, articles)
        entries, failed = story_timeline(articles), False
        store.close()
    if as_json:
        print_json([timeline_json(e) for e in entries])
    else:
        for e in entries:
            span = f"{e.date}..{e.end_date}" if e.end_date and e.end_date != e.date else str(e.date)
            out.print(f"[bold]{span}[/bold] ({e.precision}) «{escape(e.expression)}» "
                      f"[dim]{e.article} {escape(e.outlet or '')}[/dim]", highlight=False)
            out.print(f"    {escape(e.sentence)}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command("quotes")
def quotes_command(
    paths: ReadPaths = None,
    db: ReadDbOption = None,
    story: StoryOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = READ_LIMIT,
    published: PublishedOption = None,
    workers: WorkersOption = None,
    as_json: JsonOption = False,
) -> None:
    """Attributed statements: direct and indirect speech, denials, with speaker and chain."""
    articles, failed = _understood(paths, db, ArticleFilter(story, outlet, since, until), limit,
                                   Metadata(outlet=outlet, published=published), workers)
    statements = story_statements(articles, story_entities(articles))
    if as_json:
        print_json([statement_json(s) for s in statements])
    else:
        for st in statements:
            speaker = st.speaker.text if st.speaker else "?"
            mark = " (denial)" if st.polarity == "deny" else ""
            out.print(f"[bold]{escape(speaker)}[/bold]{mark} [dim]{escape(' ← '.join(st.chain))}[/dim]",
                      highlight=False)
            out.print(f"    {escape(st.content.text)}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command("claims")
def claims_command(
    paths: ReadPaths = None,
    db: ReadDbOption = None,
    story: StoryOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = READ_LIMIT,
    published: PublishedOption = None,
    workers: WorkersOption = None,
    as_json: JsonOption = False,
) -> None:
    """Claim groups across outlets: who supports, who contradicts, what rests on one outlet."""
    articles, failed = _understood(paths, db, ArticleFilter(story, outlet, since, until), limit,
                                   Metadata(outlet=outlet, published=published), workers)
    alignment = align_story(articles)
    if as_json:
        print_json(alignment_json(alignment))
    else:
        _print_alignment(alignment)
    raise typer.Exit(1 if failed else 0)


def _print_alignment(alignment: Alignment) -> None:
    for group in alignment.groups:
        if len(group.claims) < 2 and not group.single_source:
            continue
        tag = "single source" if group.single_source else f"{len(group.outlets)} outlets"
        out.print(f"[bold]{escape(group.claims[0].span.text)}[/bold] [dim]({tag})[/dim]", highlight=False)
        for claim in group.claims[1:]:
            out.print(f"    = {escape(claim.outlet or claim.article)}: {escape(claim.span.text)}", highlight=False)
        for c in group.contradictions:
            out.print(f"    [red]≠[/red] {escape(c.against.outlet or c.against.article)} / "
                      f"{escape(c.claim.outlet or c.claim.article)}: {escape(c.reason)}", highlight=False)
    for group in alignment.figures:
        for c in group.contradictions:
            if c.claim in group.claims:
                out.print(f"[red]≠[/red] {escape(c.reason)}", highlight=False)
    for category, points in alignment.series.items():
        values = ", ".join(f"{p.day}: {p.value}" for p in points)
        out.print(f"[bold]{category}[/bold] over time: {values}", highlight=False)


@app.command("entities")
def entities_command(
    paths: ReadPaths = None,
    db: ReadDbOption = None,
    story: StoryOption = None,
    outlet: OutletOption = None,
    since: SinceOption = None,
    until: UntilOption = None,
    limit: LimitOption = READ_LIMIT,
    published: PublishedOption = None,
    workers: WorkersOption = None,
    as_json: JsonOption = False,
) -> None:
    """People, organisations and places, resolved across spellings, scripts and articles."""
    articles, failed = _understood(paths, db, ArticleFilter(story, outlet, since, until), limit,
                                   Metadata(outlet=outlet, published=published), workers)
    entities = story_entities(articles)
    if as_json:
        print_json([entity_json(e) for e in entities])
    else:
        for e in entities:
            record = entity_json(e)
            aliases = ", ".join(a["text"] for a in record["aliases"])
            out.print(f"[bold]{escape(record['canonical'])}[/bold] ({record['type']}, "
                      f"{len(record['mentions'])} mentions): {escape(aliases)}", highlight=False)
    raise typer.Exit(1 if failed else 0)


@app.command("ner")
def ner_command(
    file: Annotated[str, typer.Argument(help="CoNLL file (one token a line, blank line between sentences), or -.")],
) -> None:
    """Tag each token with its IOB2 entity tag (PERS, LOC, ORG, MISC): `token<TAB>tag` lines.

    A gold tag column, if present, is ignored, so tagging quality can be measured on any gold set.
    """
    try:
        text = read_limited(file).decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(f"{file}: cannot read ({exc})", 1)
    except MarsadError as exc:
        _fail(str(exc), 1)
    for line in tag_conll(text.splitlines()):
        sys.stdout.write(line + "\n")


@app.command("stance")
def stance_command(
    file: Annotated[str, typer.Argument(help="CSV with columns s1,s2 (header row), or -.")],
    as_json: JsonOption = False,
) -> None:
    """Label each pair of statements agree / contradict / unrelated.

    Writes CSV `s1,s2,stance` (the ANS format, so any gold set can be scored),
    or with --json each pair with its label and probabilities.
    """
    try:
        pairs = read_pairs(file)
    except MarsadError as exc:
        _fail(str(exc), 1)
    with _progress() as progress:
        progress.add_task(f"classifying {len(pairs)} pairs", total=None)
        probabilities = classify_pairs_proba(pairs)
    labels = [STANCE_LABELS[int(row.argmax())] for row in probabilities]
    if as_json:
        print_json([
            {"s1": s1, "s2": s2, "stance": label,
             "probabilities": dict(zip(STANCE_LABELS, map(float, row), strict=True))}
            for (s1, s2), label, row in zip(pairs, labels, probabilities, strict=True)
        ])
        return
    writer = csv.writer(sys.stdout)
    writer.writerow(["s1", "s2", "stance"])
    writer.writerows((s1, s2, label) for (s1, s2), label in zip(pairs, labels, strict=True))


@app.command("stories")
def stories_command(
    paths: Annotated[
        list[str] | None, typer.Argument(help="Files or directories to group; none: the stories of --db.")
    ] = None,
    db: Annotated[
        str | None, typer.Option("--db", help="Store to read (and ingest PATHs into); default: a temporary one.")
    ] = None,
    outlet: Annotated[str | None, typer.Option(help="Only stories this outlet covered.")] = None,
    since: Annotated[str | None, typer.Option(help="Only stories with an article on or after YYYY-MM-DD.")] = None,
    until: Annotated[str | None, typer.Option(help="Only stories with an article on or before YYYY-MM-DD.")] = None,
    limit: Annotated[int, typer.Option(help="How many stories, most recently active first.")] = 1000,
    rebuild: Annotated[bool, typer.Option(help="Re-cluster the whole store in date order; report what moved.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Group articles into events and events into stories, with each one's coverage."""
    if not paths and db is None:
        db = os.environ.get("MARSAD_DB", DEFAULT_DB)
    with tempfile.TemporaryDirectory() as scratch:
        store = _open(db or str(Path(scratch) / "stories.db"), must_exist=not paths)
        failed = False
        if paths:
            report = ingest(paths, store, Metadata())
            for problem in report.problems:
                err.print(f"[red]error[/red] {safe_line(str(problem))}", highlight=False, soft_wrap=True)
            for warning in report.warnings:
                err.print(f"[yellow]warning[/yellow] {safe_line(str(warning))}", highlight=False, soft_wrap=True)
            failed = not report.ok
        assign_new(store)
        if rebuild:
            _print_rebuild(stories_rebuild(store))
        found = list_stories(store, StoryFilter(outlet=outlet, since=since, until=until), limit=limit)
        store.close()
    if as_json:
        print_json({"stories": [story_json(s) for s in found]})
    else:
        _print_stories(found)
    raise typer.Exit(1 if failed else 0)


def _print_stories(stories: list[Story]) -> None:
    """Each story with its id (what `marsad brief` takes), its events and their articles."""
    for story in stories:
        outlets = ", ".join(o.outlet for o in story.coverage.outlets)
        out.print(f"[bold]{story.id}[/bold]  {safe_line(story.title)}  ({len(story.events)} events, "
                  f"{safe_line(outlets)})", highlight=False)
        for event in story.events:
            out.print(f"  • {safe_line(event.title)}  \\[{(event.first_published or '')[:10]}]", highlight=False)
            for a in event.articles:
                out.print(f"      {a.id}  {(a.published or '')[:10]}  {safe_line(a.outlet or '')}", highlight=False)
    if stories:
        err.print(f"{len(stories)} stories; the brief of one: marsad brief STORY_ID --db FILE", highlight=False)


def _print_rebuild(report: RebuildReport) -> None:
    err.print(
        f"rebuilt {report.articles} articles into {report.events} events and {report.stories} stories;"
        f" agreement with the incremental map (B-cubed F1): events {report.event_agreement:.3f},"
        f" stories {report.story_agreement:.3f}; {report.moved_articles} articles changed event company",
        highlight=False,
    )


@app.command("brief")
def brief_command(
    story: Annotated[str, typer.Argument(metavar="STORY", help="Story id (see `marsad stories --db FILE`).")],
    db: DbOption = DEFAULT_DB,
    fmt: Annotated[str, typer.Option("--format", help="md, html or json.")] = "md",
    link_base: Annotated[
        str, typer.Option(help="Where `marsad serve` runs: citations link to its article pages.")
    ] = "http://127.0.0.1:8000",
) -> None:
    """The story brief: what happened, timeline, who said what, where outlets differ, single-source
    claims, coverage; every line cites the sentences it comes from."""
    if fmt not in BRIEF_FORMATS:
        err.print(f"[red]error[/red] --format must be one of {', '.join(BRIEF_FORMATS)}, not {escape(fmt)!r}")
        raise typer.Exit(2)
    store = _open(db, must_exist=True)
    with _progress() as progress:
        progress.add_task("reading the story's claims", total=None)
        found = story_brief(store, story)
    store.close()
    if found is None:
        err.print(f"[red]error[/red] no story {escape(story)!r} in {escape(describe(db))}: list them with"
                  f" `marsad stories --db {escape(describe(db))}`")
        raise typer.Exit(1)
    if fmt == "json":
        print_json(brief_json(found, link_base))
    else:
        sys.stdout.write(brief_html(found, link_base) if fmt == "html" else brief_markdown(found, link_base))


@app.command("serve")
def serve_command(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option(help="Address to bind; beyond localhost a token is required.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port (1-65535).")] = 8000,
    token: Annotated[
        str | None, typer.Option(help="Token every request must carry (env MARSAD_TOKEN).", envvar="MARSAD_TOKEN")
    ] = None,
    uploads: Annotated[Path | None, typer.Option(help="Folder for uploaded files (default: a temporary one).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(
        "--allow-host", help="A host name clients reach the server by (repeatable); required when --host binds every "
                             "interface (0.0.0.0). Loopback names and the --host address are always allowed.")] = None,
    create: Annotated[bool, typer.Option("--create", help="Start an empty store if --db names none.")] = False,
) -> None:
    """The web interface and HTTP API (pages at /, API under /api, description at /docs)."""
    from marsad.web.hosts import LOCAL_HOSTS, allowed_hosts  # the web stack loads only for this command
    from marsad.web.server import listen, serve

    if not 1 <= port <= MAX_PORT:
        _fail(f"--port must be between 1 and {MAX_PORT}, not {port}", 2)
    if not is_server(db) and not Path(db).exists() and not create:
        _fail(f"no store at {db}: ingest articles first (`marsad ingest PATH --db {db}`), "
              "or start an empty store with --create", 2)
    _open(db).close()  # creates or migrates it; a file that is not a store is refused here
    try:
        allowed_hosts(host, allow_host or ())
    except MarsadError as exc:
        _fail(str(exc), 2)
    try:
        sock = listen(host, port)
    except OSError as exc:
        _fail(f"cannot listen on {host}:{port} ({exc.strerror or exc}){_LISTEN_HINTS.get(exc.errno or 0, '')}", 1)
    if host not in LOCAL_HOSTS and not token:
        token = secrets.token_urlsafe(24)
        err.print(f"serving beyond localhost: every request needs the token; open http://{host}:{port}/?token={token}")
    out.print(f"marsad serving {describe(db)} at http://{host}:{port}/ (API description: /docs)", highlight=False)
    serve(db, sock, host, token, uploads, allow_host or ())


MAX_PORT = 65535
_LISTEN_HINTS = {errno.EADDRINUSE: ": another program is using this port; choose another with --port",
                 errno.EACCES: ": ports below 1024 need privileges; choose another with --port",
                 errno.EADDRNOTAVAIL: ": this machine has no such address; check --host"}


def _fail(message: str, code: int) -> NoReturn:
    """One error line on standard error, then exit with `code`."""
    err.print(f"[red]error[/red] {safe_line(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _clean_all(paths: list[str], defaults: Metadata) -> tuple[list[Article], bool]:
    """Clean every input, printing one error line per bad one."""
    articles: list[Article] = []
    failed = False
    for item in clean_inputs(paths, defaults):
        if isinstance(item, Problem):
            err.print(f"[red]error[/red] {safe_line(str(item))}", highlight=False, soft_wrap=True)
            failed = True
        else:
            articles.append(item)
    return articles, failed


def _understood(
    paths: list[str] | None, db: str | None, where: ArticleFilter, limit: int, defaults: Metadata,
    workers: int | None,
) -> tuple[list[Article], bool]:
    """The articles a reading command works on, each carrying its annotation, and whether any input failed.

    With paths: the files, cleaned and understood now. Without: the store's
    articles matching `where`, with their stored annotations.
    """
    if paths:
        articles, failed = _clean_all(paths, defaults)
        with _progress() as progress:
            progress.add_task(f"understanding {len(articles)} articles", total=None)
            return understand_articles(articles, workers), failed
    store = _open_read(db)
    with _progress() as progress:
        progress.add_task("reading the store", total=None)
        articles = read_understood(store, _article_ids(store, where, limit), workers)
    store.close()
    return articles, False


def _article_ids(store: Store, where: ArticleFilter, limit: int) -> list[str]:
    """The ids a reading command takes, saying so when the limit cuts some off."""
    ids = store.article_ids(where, limit + 1)
    if len(ids) > limit:
        err.print(f"reading the first {limit} matching articles of the store (--limit to read more)")
    return ids[:limit]


def _open_read(db: str | None) -> Store:
    return _open(db or os.environ.get("MARSAD_DB", DEFAULT_DB), must_exist=True)


def _open(db: str, must_exist: bool = False) -> Store:
    if must_exist and not is_server(db) and not Path(db).exists():
        _fail(f"no store at {db}: run `marsad ingest PATH --db {db}` first", 2)
    try:
        return open_store(db)
    except MarsadError as exc:
        _fail(str(exc), 2)


@contextmanager
def _cluster(scheduler: str | None, workers: int | None) -> Iterator[Engine | None]:
    """The Dask engine `--scheduler` names (None without one: dask is then never imported)."""
    if scheduler is None:
        yield None
        return
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "error")  # the cluster's own chatter (workers inherit it)
    try:
        from marsad.engine.cluster import dask_engine
    except ImportError as exc:
        _fail(f"--scheduler needs Dask: pip install 'marsad[cluster]' ({exc})", 2)
    try:
        with dask_engine(scheduler, workers) as engine:
            yield engine
    except MarsadError as exc:
        _fail(str(exc), 2)


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(), TextColumn("{task.description}"), BarColumn(),
        TextColumn("{task.completed} documents"), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    )


def _report_json(report: IngestReport, total: int, db: str) -> dict[str, Any]:
    return {
        "store": describe(db),
        "ingested": report.ingested,
        "unchanged": report.unchanged,
        "exact_duplicates": report.exact_duplicates,
        "near_duplicates": report.near_duplicates,
        "reuse_links": report.reuse_links,
        "understood": report.understood,
        "stories_analysed": report.analysed,
        "skipped": len(report.problems),
        "problems": [
            {"path": p.origin.path, "locator": p.origin.locator, "reason": p.reason}
            for p in report.problems
        ],
        "warnings": [
            {"path": p.origin.path, "locator": p.origin.locator, "reason": p.reason}
            for p in report.warnings
        ],
        "articles_in_store": total,
        "fields": [asdict(use) for use in report.fields],
    }


def _print_report(report: IngestReport, total: int, db: str) -> None:
    out.print(
        f"ingested {report.ingested}, unchanged {report.unchanged}, "
        f"exact duplicates {report.exact_duplicates}, near duplicates {report.near_duplicates}, "
        f"reuse links {report.reuse_links}, understood {report.understood}, stories analysed {report.analysed}, "
        f"skipped {len(report.problems)} "
        f"— {total} articles in {describe(db)}",
        highlight=False, soft_wrap=True,
    )
    if report.fields:
        mapping = ", ".join(f"{u.target}={u.source} ({u.records} records)" for u in report.fields)
        out.print(f"  fields: {mapping}", highlight=False, soft_wrap=True)
    for label, found in (("skipped", report.problems), ("warned", report.warnings)):
        reasons: dict[str, int] = {}
        for problem in found:
            reason = problem.reason.split(" (")[0]
            reasons[reason] = reasons.get(reason, 0) + 1
        for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
            out.print(f"  {label} {n}: {safe_line(reason)}", highlight=False)


def _print_article(article: Article, links: list[Any], removed: bool) -> None:
    mt = article.machine_translation
    meta = [
        ("id", article.id), ("outlet", article.outlet), ("published", article.published),
        ("author", article.author), ("agency", article.agency), ("url", article.url),
        ("language", article.language),
        ("machine translation", f"{mt.score:.2f}{' (flagged)' if mt.flagged else ''}"),
        ("source", f"{article.origin.path} {article.origin.locator}".strip()),
    ]
    for key, value in meta:
        if value:
            out.print(f"[dim]{key}:[/dim] {safe_line(value)}", highlight=False)
    for link in links:
        other = link.target if link.source == article.id else link.source
        role = "copied by" if link.source == article.id else "copies"
        out.print(f"[dim]{link.kind}:[/dim] {role} {other} ({link.score})", highlight=False)
    out.print()
    out.print(safe_text(article.text), highlight=False, markup=False)
    if removed:
        out.print("\n[dim]removed lines:[/dim]")
        for line in article.removed:
            out.print(f"  \\[{safe_line(line.rule)}] {safe_line(line.text)}  [dim]({safe_line(line.reason)})[/dim]",
                      highlight=False)


app.command("export")(export_command)


def main() -> None:
    """Entry point of the `marsad` command."""
    os.environ.setdefault("PYTHONIOENCODING", "utf-8")
    # The library logs each skipped input as a warning; the commands print those
    # themselves (one line per problem), so only errors go through logging.
    logging.basicConfig(level=logging.ERROR, format="%(levelname)s %(name)s: %(message)s")
    app()
