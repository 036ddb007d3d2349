"""Build the English place and calendar lexicons of the Latin-script tagger (`marsad/entities/latin.py`).

    .venv/bin/python scripts/build_english_lexicons.py   # needs babel (the `train` extra)

- `en_places.txt`: English names of countries and regions (CLDR, through Babel),
  and the cities of the IANA time-zone
  database (`zoneinfo`, Python's standard library), one name per line;
- `en_calendar.txt`: English month and weekday names (CLDR), which are
  capitalised but never names.
"""

from __future__ import annotations

import zoneinfo
from pathlib import Path

from babel import Locale

DATA = Path(__file__).resolve().parents[1] / "marsad" / "entities" / "data"


def places() -> list[str]:
    """Territory names and time-zone cities, without parenthesised or comma forms."""
    names: set[str] = set()
    locale = Locale("en")
    names.update(locale.territories.values())
    for zone in zoneinfo.available_timezones():
        if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "US/")):
            names.add(zone.rsplit("/", 1)[1].replace("_", " "))
    return sorted(n for n in names if n and "(" not in n and "," not in n and not n[:1].isdigit())


def calendar() -> list[str]:
    """English month and weekday names, wide and abbreviated."""
    locale = Locale("en")
    words: set[str] = set()
    for table in (locale.months, locale.days):
        for width in ("wide", "abbreviated"):
            words.update(str(w).rstrip(".") for w in table["format"][width].values())
    return sorted(words)


def main() -> None:
    """Write both files."""
    for name, entries in (("en_places.txt", places()), ("en_calendar.txt", calendar())):
        (DATA / name).write_text("\n".join(entries) + "\n", encoding="utf-8")
        print(f"{name}: {len(entries)} entries")


if __name__ == "__main__":
    main()
