"""Write `marsad/entities/data/aliases_cldr.tsv`: every territory's English and Arabic names from CLDR.

    .venv/bin/python scripts/build_aliases.py    # needs Babel (the `train` extra)

CLDR (Unicode licence, through Babel) names each country and territory in both
languages, so an English wire's "Libya" and the Arabic coverage's "ليبيا" resolve
to one place. Names that are also common words in either list are kept: the
resolver only joins names the tagger already read as names.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale

OUT = Path(__file__).resolve().parents[1] / "marsad" / "entities" / "data" / "aliases_cldr.tsv"


def main() -> None:
    english, arabic = Locale("en").territories, Locale("ar").territories
    lines = ["# Territory names in English and Arabic from CLDR (Unicode licence); made by scripts/build_aliases.py"]
    for code in sorted(english):
        if code.isalpha() and code in arabic and code not in ("ZZ", "EU", "UN", "EZ", "QO"):
            lines.append(f"LOC\t{arabic[code]}|{english[code]}")
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines) - 1} territories to {OUT}")


if __name__ == "__main__":
    main()
