"""What the web application shares between requests: its settings, the analysis cache, the ingest jobs."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from marsad.web.analysis import Analyses
from marsad.web.hosts import LOCAL_HOSTS
from marsad.web.jobs import Jobs


@dataclass
class State:
    """Settings and shared services of one running server."""

    db_path: str
    token: str | None = None  # required on every request when set
    upload_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="marsad-uploads-")))
    hosts: frozenset[str] = LOCAL_HOSTS  # names the `Host` header may carry
    analyses: Analyses = field(init=False)
    jobs: Jobs = field(init=False)

    def __post_init__(self) -> None:
        self.analyses = Analyses(self.db_path)
        self.jobs = Jobs(self.db_path, self.upload_dir, self.analyses)

    def close(self) -> None:
        """Stop the worker threads."""
        self.jobs.close()
        self.analyses.close()
