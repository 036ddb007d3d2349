"""The laptop default stays as it was: no engine, server or columnar library is loaded for it."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_loads_no_dask_psycopg_or_pyarrow() -> None:
    code = ("import sys, marsad.cli.app, marsad.pipeline; "
            "print(sorted({m.split('.')[0] for m in sys.modules} & {'dask', 'distributed', 'psycopg', 'pyarrow'}))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
