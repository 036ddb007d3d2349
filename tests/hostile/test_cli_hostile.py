"""Issue 14 on the command line and on what a new user stumbled on, each test named after what broke."""

from __future__ import annotations

import json
import re
import socket
from datetime import date
from pathlib import Path

import pytest

from marsad.dates.finder import find_time_expressions

from .conftest import Ingested
from .corpus import Case
from .process import Run, run_marsad

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "corpus"


@pytest.fixture(scope="module")
def cli_run(corpus: tuple[Path, dict[str, Case]], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Run]:
    root, _ = corpus
    db = tmp_path_factory.mktemp("cli-hostile") / "cli.db"
    return root, run_marsad("ingest", str(root), "--db", str(db))


def test_hostile_corpus_through_the_command_is_one_line_per_problem(cli_run: tuple[Path, Run],
                                                                   ingested: Ingested) -> None:
    _, run = cli_run
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = run.stderr.splitlines()
    errors = [ln for ln in lines if ln.startswith("error ")]
    warnings = [ln for ln in lines if ln.startswith("warning ")]
    assert len(errors) == len(ingested.report.problems) and len(warnings) == len(ingested.report.warnings)
    assert len(lines) == len(errors) + len(warnings)
    summary = run.stdout.splitlines()[0]
    assert summary.startswith(f"ingested {ingested.report.ingested}, ")
    assert f"skipped {len(ingested.report.problems)} " in summary


def test_markup_and_terminal_escapes_in_file_names_are_neutralised(cli_run: tuple[Path, Run]) -> None:
    """Rich markup and terminal escapes in a file name reached the error line."""
    root, run = cli_run
    stderr = run.stderr
    assert "\x1b" not in stderr and "\u202e" not in stderr
    [line] = [ln for ln in stderr.splitlines() if "evil.txt" in ln]
    assert line == f"error {root}/[bold]x[red]\\x1b[31m\\u202eevil.txt: empty file (no text)"


@pytest.fixture(scope="module")
def examples_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    db = tmp_path_factory.mktemp("cli-examples") / "examples.db"
    assert run_marsad("ingest", str(EXAMPLES), "--db", str(db)).returncode == 0
    return db


def test_stories_prints_the_story_ids_that_brief_takes(examples_db: Path) -> None:
    """`marsad stories --db X` never printed story ids, yet `brief` needs one."""
    db = examples_db
    run = run_marsad("stories", "--db", str(db))
    ids = re.findall(r"^(st-[0-9a-f]+)  ", run.stdout, re.MULTILINE)
    assert run.returncode == 0 and ids
    assert "marsad brief STORY_ID" in run.stderr
    brief = run_marsad("brief", ids[0], "--db", str(db), "--format", "json")
    assert brief.returncode == 0 and '"title"' in brief.stdout


def test_list_says_how_many_articles_are_beyond_the_page(examples_db: Path) -> None:
    """`list` stopped at 50 without saying how many there are."""
    db = examples_db
    first = run_marsad("list", "--db", str(db), "--limit", "3")
    total = len(json.loads(run_marsad("list", "--db", str(db), "--limit", "500", "--json").stdout))
    assert total > 3
    assert first.stderr.strip() == f"articles 1-3 of {total}; the next ones: --offset 3"
    last = run_marsad("list", "--db", str(db), "--limit", "3", "--offset", str(total - 2))
    assert last.stderr.strip() == f"articles {total - 1}-{total} of {total}"


def test_serve_with_a_port_out_of_range_is_one_error_line(tmp_path: Path) -> None:
    """`serve --port 80000` printed a traceback."""
    run = run_marsad("serve", "--db", str(tmp_path / "x.db"), "--create", "--port", "80000")
    assert run.returncode == 2 and run.stdout == ""
    assert run.stderr.splitlines() == ["error --port must be between 1 and 65535, not 80000"]


def test_serve_on_a_busy_port_says_so_before_serving(tmp_path: Path) -> None:
    """A second `serve` on a busy port first announced it was serving, then failed."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        run = run_marsad("serve", "--db", str(tmp_path / "x.db"), "--create", "--port", str(port))
    assert run.returncode == 1 and run.stdout == "" and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        f"error cannot listen on 127.0.0.1:{port} (Address already in use): another program is using this port; "
        "choose another with --port"]


def test_serve_refuses_a_missing_store_unless_create(tmp_path: Path) -> None:
    """A mistyped --db for `serve` silently created an empty store."""
    run = run_marsad("serve", "--db", str(tmp_path / "mistyped.db"))
    assert run.returncode == 2 and not (tmp_path / "mistyped.db").exists()
    assert run.stderr.strip().startswith(f"error no store at {tmp_path / 'mistyped.db'}: ingest articles first")
    assert "--create" in run.stderr


def test_serve_on_every_interface_needs_allow_host(tmp_path: Path) -> None:
    run = run_marsad("serve", "--db", str(tmp_path / "x.db"), "--create", "--host", "0.0.0.0", "--port", "1")
    assert run.returncode == 2 and "--allow-host" in run.stderr and run.stdout == ""


def test_past_hours_resolve_to_the_publication_day() -> None:
    """"خلال الساعات الماضية" on 2018-10-03 resolved to 2018-09-09..2018-10-02 (hours counted as days)."""
    published = date(2018, 10, 3)
    for text, start, end in (("قتل خمسة أشخاص خلال الساعات الماضية", published, None),
                             ("خلال الـ24 ساعة الماضية", published, None),
                             ("خلال الـ48 ساعة الماضية", date(2018, 10, 2), published),
                             ("خلال الساعات القادمة", published, None)):
        [found] = find_time_expressions(text, published)
        assert (found.value, found.end_value, found.precision) == (start, end, "day"), text


def test_stance_csv_with_a_field_over_the_csv_limit_is_one_error_line(tmp_path: Path) -> None:
    """Found while hardening: a CSV field over Python's csv limit (128 KB) raised a csv.Error traceback."""
    path = tmp_path / "pairs.csv"
    path.write_text("s1,s2\n" + "ب" * 200_000 + ",نص\n", "utf-8")
    run = run_marsad("stance", str(path))
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.splitlines() == [
        f"error {path}:line 2: malformed CSV (field larger than field limit (131072))"]
