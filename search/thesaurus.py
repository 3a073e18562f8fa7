"""The thesaurus of the search: groups of equivalent words and phrases, expanded at query
time by every engine (analysis.query_clauses).

Three sources, one list: the curated administrative thesaurus ``data/synonyms.txt`` (task
areas, departments, legal forms, abbreviations with their expansions, everyday words), the
English layer ``data/synonyms_en.txt`` (English terms → the German ones) and the groups
editors add in the admin (``SynonymGroup`` snippets). Saving or deleting a group bumps the
index version (signal_handlers), and every process reloads the editors' groups when it
sees a new version (``refresh``, called before each search): no restart, no reindex.

Known abbreviations (an entry of one word written with two or more capitals: "IKZ",
"AöR", "gGmbH") are never expanded to typo variants.
"""

import threading
from functools import lru_cache

from .analysis import DATA_DIR, _read_lines, normalise, stopwords, tokenise

SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
ENGLISH_FILE = DATA_DIR / "synonyms_en.txt"

_lock = threading.Lock()
_editors = {"stamp": None, "groups": (), "abbreviations": frozenset()}


def parse_group(line):
    """A tuple of phrases (tuples of normalised words without stop words) from one line of
    comma-separated entries; fewer than two phrases: no group."""
    phrases = []
    for entry in line.split(","):
        words = tuple(word for word in map(normalise, tokenise(entry)) if word not in stopwords())
        if words and words not in phrases:
            phrases.append(words)
    return tuple(phrases) if len(phrases) > 1 else None


def abbreviations_in(line):
    """Normalised entries of ``line`` that are abbreviations (one word, two capitals)."""
    found = set()
    for entry in line.split(","):
        tokens = entry.split()
        if len(tokens) == 1 and sum(char.isupper() for char in tokens[0]) >= 2:
            found.update(normalise(word) for word in tokenise(tokens[0]))
    return found


@lru_cache(maxsize=1)
def file_thesaurus():
    """(groups, abbreviations) of the two files."""
    groups, abbreviations = [], set()
    for path in (SYNONYMS_FILE, ENGLISH_FILE):
        for line in _read_lines(path):
            group = parse_group(line)
            if group:
                groups.append(group)
            abbreviations |= abbreviations_in(line)
    return tuple(groups), frozenset(abbreviations)


def synonym_groups():
    """Every group: the files' and (as of the last ``refresh``) the editors'."""
    return file_thesaurus()[0] + _editors["groups"]


def abbreviations():
    return file_thesaurus()[1] | _editors["abbreviations"]


def refresh(stamp=None):
    """Reload the editors' groups if the index version changed since the last load."""
    from .models import IndexVersion, SynonymGroup

    stamp = IndexVersion.current_stamp() if stamp is None else stamp
    if stamp == _editors["stamp"]:
        return
    with _lock:
        if stamp == _editors["stamp"]:
            return
        groups, found = [], set()
        for line in SynonymGroup.objects.values_list("terms", flat=True):
            group = parse_group(line)
            if group:
                groups.append(group)
            found |= abbreviations_in(line)
        _editors.update(stamp=stamp, groups=tuple(groups), abbreviations=frozenset(found))


def forget():
    """Drop the editors' groups (tests; the next ``refresh`` reloads them)."""
    _editors.update(stamp=None, groups=(), abbreviations=frozenset())
