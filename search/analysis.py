"""German text analysis, shared by every engine.

The embedded engine runs this chain in Python; the Elasticsearch index is configured with
the equivalent built-in filters and the same word lists (see ``elasticsearch_analysis``):

    tokenise → lowercase → German normalisation (ä/ae → a, ß → ss) → stop words
             → compound splitting (dictionary, keeps the whole word) → light German stemming

Compounds are split when indexing only, so "Standesamt" finds "Standesamtverbund" but a
search for "Standesamt" is not widened to every "…amt". At query time synonyms are
expanded after normalisation instead. The word lists live in
``search/data/`` so editors can extend them (a rebuild of the index applies them).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
COMPOUND_PARTS_FILE = DATA_DIR / "compound_parts.txt"
SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords_de.txt"

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Elasticsearch dictionary_decompounder defaults we rely on, mirrored here.
MIN_WORD_SIZE = 5
MIN_SUBWORD_SIZE = 3
MAX_SUBWORD_SIZE = 20


def _read_lines(path):
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            lines.append(line)
    return lines


@lru_cache(maxsize=1)
def stopwords():
    return frozenset(normalise(word) for word in _read_lines(STOPWORDS_FILE))


@lru_cache(maxsize=1)
def compound_parts():
    """Known parts of administrative compounds, normalised (e.g. "uberwachung")."""
    return frozenset(normalise(word) for word in _read_lines(COMPOUND_PARTS_FILE))


@lru_cache(maxsize=1)
def synonym_groups():
    """Equivalence groups from synonyms.txt; each entry a tuple of normalised word tuples."""
    groups = []
    for line in _read_lines(SYNONYMS_FILE):
        phrases = []
        for phrase in line.split(","):
            words = tuple(
                word for word in (normalise(w) for w in tokenise(phrase)) if word not in stopwords()
            )
            if words and words not in phrases:
                phrases.append(words)
        if len(phrases) > 1:
            groups.append(tuple(phrases))
    return tuple(groups)


def clean_text(text):
    """Unicode NFKC, no control characters: what every engine receives as query text."""
    text = unicodedata.normalize("NFKC", text)
    return "".join(
        " " if unicodedata.category(char) in {"Cc", "Cf", "Cs", "Co", "Cn"} else char
        for char in text
    )


def tokenise(text):
    return TOKEN_RE.findall(text.lower())


def normalise(word):
    """Lucene's GermanNormalizationFilter: ä/ö/ü → a/o/u, ae/oe/ue → a/o/u, ß → ss.

    "ue" stays after a vowel or q (Quelle, blaue); "ae"/"oe" are always folded.
    """
    word = word.lower()
    out = []
    state = "N"  # N: after a consonant, V: after a vowel, U: after a/o/u that may take an e
    for char in word:
        if char in "ao":
            out.append(char)
            state = "U"
        elif char == "u":
            out.append(char)
            state = "U" if state == "N" else "V"
        elif char == "e":
            if state != "U":
                out.append(char)
            state = "V"
        elif char in "iqy":
            out.append(char)
            state = "V"
        elif char in "äöü":
            out.append({"ä": "a", "ö": "o", "ü": "u"}[char])
            state = "V"
        elif char == "ß":
            out.append("ss")
            state = "N"
        else:
            out.append(char)
            state = "N"
    return "".join(out)


_ST_ENDING = set("bdfghklmnt")


def stem(word):
    """Lucene's GermanLightStemmer (Savoy's light stemmer), on a normalised word."""
    word = word.translate(_ACCENTS)
    word = _stem_step1(word)
    return _stem_step2(word)


_ACCENTS = str.maketrans("äàáâöòóôïìíîüùúû", "aaaaooooiiiiuuuu")


def _stem_step1(s):
    n = len(s)
    if n > 5 and s.endswith("ern"):
        return s[:-3]
    if n > 4 and s[-2] == "e" and s[-1] in "mnrs":
        return s[:-2]
    if n > 3 and s[-1] == "e":
        return s[:-1]
    if n > 3 and s[-1] == "s" and s[-2] in _ST_ENDING:
        return s[:-1]
    return s


def _stem_step2(s):
    n = len(s)
    if n > 5 and s.endswith("est"):
        return s[:-3]
    if n > 4 and s[-2] == "e" and s[-1] in "rn":
        return s[:-2]
    if n > 4 and s.endswith("st") and s[-3] in _ST_ENDING:
        return s[:-2]
    return s


def decompound(word):
    """Dictionary parts found inside a normalised word, longest match per start position.

    Mirrors Elasticsearch's dictionary_decompounder with only_longest_match: the whole
    word is kept by the caller; this returns only the parts.
    """
    parts = compound_parts()
    if len(word) < MIN_WORD_SIZE:
        return []
    found = []
    for start in range(0, len(word) - MIN_SUBWORD_SIZE + 1):
        longest = None
        for size in range(MIN_SUBWORD_SIZE, MAX_SUBWORD_SIZE + 1):
            if start + size > len(word):
                break
            candidate = word[start : start + size]
            if candidate in parts and candidate != word:
                longest = candidate
        if longest:
            found.append(longest)
    return found


def index_terms(text):
    """The terms a text is indexed under: stems of its words and of their compound parts."""
    terms = []
    for token in tokenise(text):
        word = normalise(token)
        if word in stopwords():
            continue
        terms.append(stem(word))
        terms.extend(stem(part) for part in decompound(word))
    return terms


@dataclass(frozen=True)
class Clause:
    """One required part of a query: any of ``alternatives`` must match.

    Each alternative is a phrase (a tuple of index terms; usually one term).
    ``words`` are the user's words it came from, for "Meinten Sie …?" and highlighting.
    """

    alternatives: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]


def query_clauses(text):
    """Analyse a query: one clause per word (or per multi-word synonym), ANDed together."""
    words = [normalise(token) for token in tokenise(text)]
    words = [word for word in words if word not in stopwords()] or words
    clauses = []
    position = 0
    while position < len(words):
        phrase, group = _synonym_at(words, position)
        if group:
            alternatives = {tuple(stem(w) for w in synonym) for synonym in group}
            clauses.append(Clause(tuple(sorted(alternatives)), phrase))
            position += len(phrase)
            continue
        word = words[position]
        clauses.append(Clause(((stem(word),),), (word,)))
        position += 1
    return clauses


def _synonym_at(words, position):
    """The longest synonym phrase starting at ``position`` and its group, if any."""
    best, best_group = (), None
    for group in synonym_groups():
        for phrase in group:
            if tuple(words[position : position + len(phrase)]) == phrase and len(phrase) > len(
                best
            ):
                best, best_group = phrase, group
    return best, best_group


def edit_distance(a, b, limit=2):
    """Damerau-Levenshtein (optimal string alignment) distance, stopping early past ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous2, previous = None, list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if (
                previous2 is not None
                and i > 1
                and j > 1
                and char_a == b[j - 2]
                and a[i - 2] == char_b
            ):
                current[j] = min(current[j], previous2[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        previous2, previous = previous, current
    return previous[-1]


def allowed_edits(term):
    """Elasticsearch's fuzziness AUTO: 0 edits up to 2 characters, 1 up to 5, else 2."""
    if len(term) <= 2:
        return 0
    return 1 if len(term) <= 5 else 2


def elasticsearch_analysis():
    """Index settings for Elasticsearch equivalent to the Python chain above."""
    synonyms = [", ".join(" ".join(phrase) for phrase in group) for group in synonym_groups()]
    return {
        "filter": {
            "atlas_stop": {"type": "stop", "stopwords": sorted(stopwords())},
            "atlas_decompound": {
                "type": "dictionary_decompounder",
                "word_list": sorted(compound_parts()),
                "min_word_size": MIN_WORD_SIZE,
                "min_subword_size": MIN_SUBWORD_SIZE,
                "max_subword_size": MAX_SUBWORD_SIZE,
                "only_longest_match": True,
            },
            "atlas_stemmer": {"type": "stemmer", "language": "light_german"},
            "atlas_synonyms": {"type": "synonym_graph", "synonyms": synonyms, "lenient": True},
        },
        "analyzer": {
            "atlas_german": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "lowercase",
                    "german_normalization",
                    "atlas_stop",
                    "atlas_decompound",
                    "atlas_stemmer",
                ],
            },
            "atlas_german_search": {
                "type": "custom",
                "tokenizer": "standard",
                "filter": [
                    "lowercase",
                    "german_normalization",
                    "atlas_stop",
                    "atlas_synonyms",
                    "atlas_stemmer",
                ],
            },
        },
    }
