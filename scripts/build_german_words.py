#!/usr/bin/env python3
"""Builds search/data/german_words.txt from the PyPI package german-nouns (nouns.csv, compiled
from the German Wiktionary; licensed CC BY-SA 4.0).

    python3 scripts/build_german_words.py            # fetches german-nouns with pip
    python3 scripts/build_german_words.py nouns.csv  # or reads a nouns.csv you have

Each output line is a noun in its nominative singular followed by its nominative plurals
(``Standesamt Standesämter``). The search uses the nouns to split compounds and the plurals
to give irregular plurals the stem of their singular (search/analysis.py, docs/search.md).
The file is a derived work of Wiktionary and stays under CC BY-SA 4.0 (header below);
the code of the project is MIT.
"""

import csv
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

PACKAGE = "german-nouns==1.2.5"
OUTPUT = Path(__file__).resolve().parent.parent / "search" / "data" / "german_words.txt"
WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{3,}")
# Names and fragments are no vocabulary for splitting compounds.
EXCLUDED_KINDS = {
    "Toponym",
    "Vorname",
    "Nachname",
    "Abkürzung",
    "Gebundenes Lexem",
    "Affix",
    "Suffix",
    "Präfix",
    "Wortverbindung",
    "Eigenname",
}
HEADER = f"""\
# German nouns and their nominative plurals, one noun a line (generated, do not edit:
# scripts/build_german_words.py). Source: the PyPI package {PACKAGE} (nouns.csv,
# compiled by Gregor Weichbrodt from the German Wiktionary, de.wiktionary.org).
# Licence: Creative Commons Attribution-ShareAlike 4.0 International (CC BY-SA 4.0),
# https://creativecommons.org/licenses/by-sa/4.0/ - this file is a derived work
# (filtered and reduced to nouns with their plurals) and is shared under the same licence.
# Attribution: Wiktionary contributors; german-nouns by Gregor Weichbrodt.
"""


def nouns_csv():
    if len(sys.argv) > 1:
        return Path(sys.argv[1]).read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", folder, PACKAGE],
            check=True,
        )
        (wheel,) = Path(folder).glob("*.whl")
        with zipfile.ZipFile(wheel) as archive:
            return archive.read("german_nouns/nouns.csv").decode("utf-8")


def entries(text):
    plurals = {}
    for row in csv.DictReader(text.splitlines()):
        kinds = set(row["pos"].split(","))
        lemma = row["lemma"]
        if "Substantiv" not in kinds or kinds & EXCLUDED_KINDS or not WORD.fullmatch(lemma):
            continue
        forms = plurals.setdefault(lemma, [])
        for column, value in row.items():
            plural = column.startswith("nominativ plural") and WORD.fullmatch(value or "")
            if plural and value != lemma and value not in forms:
                forms.append(value)
    return sorted(plurals.items(), key=lambda item: (item[0].casefold(), item[0]))


def main():
    lines = [" ".join([lemma, *forms]) for lemma, forms in entries(nouns_csv())]
    OUTPUT.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(lines)} nouns")


if __name__ == "__main__":
    main()
