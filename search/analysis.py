"""German text analysis, shared by every engine.

The embedded engine runs this chain in Python; the Elasticsearch index is configured with
the equivalent built-in filters and the same word lists (see ``elasticsearch_analysis``):

    tokenise → lowercase → German normalisation (ä/ae → a, ß → ss) → stop words
             → compound splitting (keeps the whole word) → plural of the dictionary
             → light German stemming

Compounds are split against a German vocabulary: the nouns of ``data/german_words.txt``
(generated from Wiktionary, CC BY-SA 4.0, see docs/search.md) plus the administrative
parts of ``data/compound_parts.txt``, with linking elements (Standesamt-s-verbund). A word
is split into the fewest parts that cover it. When indexing, the parts are indexed beside
the word, so "Standesamt" finds "Standesamtverbund". A query word is split only when no
document contains it (search/engines/typo.py), then against the index's own terms too.
At query time synonyms are expanded after normalisation (``search.thesaurus``).
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz.distance import OSA

DATA_DIR = Path(__file__).resolve().parent / "data"
COMPOUND_PARTS_FILE = DATA_DIR / "compound_parts.txt"
GERMAN_WORDS_FILE = DATA_DIR / "german_words.txt"
STOPWORDS_FILE = DATA_DIR / "stopwords_de.txt"

TOKEN_RE = re.compile(r"[^\W_]+", re.UNICODE)

# Compound splitting: words from MIN_WORD_SIZE letters, parts from MIN_SUBWORD_SIZE
# (also the settings of Elasticsearch's dictionary_decompounder).
MIN_WORD_SIZE = 6
MIN_SUBWORD_SIZE = 3
MAX_SUBWORD_SIZE = 24
# Linking elements between the parts of a compound (Fugenelemente): Standesamt-s-verbund,
# Kinder-garten, Schule → Schul-amt (a dropped final e is handled separately).
# Parts of a query compound that every profile is about (they are all cooperations): an
# unknown compound is searched without them ("Standesamtverbund" → Standesamt).
COOPERATION_PARTS = frozenset(
    {
        "verbund",
        "verband",
        "kooperation",
        "zusammenarbeit",
        "gemeinschaft",
        "partnerschaft",
        "interkommunal",
    }
)
# Query words every cooperation is about: left out of a query that has other words
# ("IKZ Standesamt" searches for Standesamt), kept when they are all there is.
GENERIC_QUERY_WORDS = COOPERATION_PARTS | {"ikz", "gemeinsam", "interkommunale"}
LINKING_ELEMENTS = ("", "s", "es", "n", "en", "er", "e", "ns", "ens")
# Nouns that are also word endings: never a part of their own (Wirt-schaft), nor "samt",
# which is nearly always a linking s before "amt" (Ordnung-s-amt).
NOT_A_PART = frozenset(
    {"schaft", "ling", "tum", "heit", "keit", "ung", "nis", "sal", "ion", "samt"}
)
# Parts from the word list need this many letters (the administrative parts of
# compound_parts.txt any number): short nouns are mostly noise (Ente-sorgung). A word that
# is a noun itself (Standesamt) is split only into parts of MIN_PART_OF_NOUN letters.
MIN_NOUN_PART = 4
MIN_PART_OF_NOUN = 5
# Adjectives are not split (bergisches is no Berg-isches).
ADJECTIVE_ENDINGS = ("isch", "ische", "isches", "ischen", "ischer", "ischem")
ADJECTIVE_ENDINGS += ("lich", "liche", "liches", "lichen", "licher", "lichem")
# After these endings an "s" is a linking element, never the start of the next part
# (Rechnungsprüfung-s-amt, not …prüfung-samt).
S_LINKED_ENDINGS = ("ung", "heit", "keit", "schaft", "ion", "tat", "ling", "tum")


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
    """Administrative compound parts that are not nouns of the word list (e.g. "digital")."""
    return frozenset(normalise(word) for word in _read_lines(COMPOUND_PARTS_FILE))


@lru_cache(maxsize=1)
def german_nouns():
    """({normalised noun or plural}, {normalised plural: its normalised singular})."""
    words, singular_of, ambiguous = set(), {}, set()
    for line in _read_lines(GERMAN_WORDS_FILE):
        singular, *plurals = (normalise(word) for word in line.split())
        words.add(singular)
        for plural in plurals:
            words.add(plural)
            if singular_of.setdefault(plural, singular) != singular:
                ambiguous.add(plural)
    for plural in ambiguous:
        del singular_of[plural]
    return frozenset(words), singular_of


@lru_cache(maxsize=1)
def _singulars():
    """Every noun of the list in its first form (a plural that is a noun of its own,
    such as Daten, keeps its own stem)."""
    return frozenset(normalise(line.split()[0]) for line in _read_lines(GERMAN_WORDS_FILE))


@lru_cache(maxsize=1)
def vocabulary():
    """Every word a compound may be split into: nouns, their plurals, the admin parts."""
    return (german_nouns()[0] | compound_parts()) - NOT_A_PART


@lru_cache(maxsize=1)
def plural_stems():
    """{normalised plural: stem of its singular} where light stemming alone would leave
    them apart (Zentren/Zentrum, Kitas/Kita) and the plural is no noun of its own."""
    _, singular_of = german_nouns()
    overrides = {}
    for plural, singular in singular_of.items():
        if plural in _singulars() or len(plural) < MIN_SUBWORD_SIZE:
            continue
        target = light_stem(singular)
        if light_stem(plural) != target:
            overrides[plural] = target
    return overrides


def is_cooperation_part(part):
    """Whether a compound part is one every cooperation is about (COOPERATION_PARTS, also
    inflected: "gemeinschafts")."""
    return stem(part) in _cooperation_stems()


@lru_cache(maxsize=1)
def _cooperation_stems():
    return frozenset(stem(part) for part in COOPERATION_PARTS)


def decompound_word_list():
    """Every word the index side may split a compound into (``split_compound``); the same
    list is Elasticsearch's dictionary_decompounder word list."""
    return sorted(compound_parts() | {word for word in vocabulary() if len(word) >= MIN_NOUN_PART})


def synonym_groups():
    """The thesaurus: search.thesaurus.synonym_groups() (files and editors' entries)."""
    from .thesaurus import synonym_groups as groups

    return groups()


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
    """The index term of a normalised word: the stem of its singular for a plural the
    dictionary knows (``plural_stems``), else its light stem."""
    override = plural_stems().get(word)
    return override if override is not None else light_stem(word)


def light_stem(word):
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


def split_compound(word, known=None):
    """The parts of a normalised compound, as tuple of at least two words, or ().

    ``known(part)`` says whether a part is a word (default: ``is_part(part, word)``). The
    fewest parts win, then the fewest linking elements, then the longest shortest part.
    A part followed by a linking element (s, es, n, en, er, e, ns, ens) or missing a
    final e (Schul-amt) counts as its dictionary form; parts are returned as found in
    the vocabulary (``schule``).
    """
    if len(word) < MIN_WORD_SIZE or word.endswith(ADJECTIVE_ENDINGS):
        return ()
    if known is None:
        shortest = MIN_NOUN_PART if word not in vocabulary() else MIN_PART_OF_NOUN

        def known(part):
            return part in compound_parts() or (len(part) >= shortest and part in vocabulary())

    return _split(word, known)


def _split(word, known):
    best = _best_split(word, 0, known, {})
    return best[1] if best and len(best[1]) > 1 else ()


INFLECTION_ENDINGS = ("s", "es", "n", "en", "e", "er", "ern")


def _base_forms(piece):
    """``piece`` and what it is without an inflection ending, longest first."""
    yield piece
    for ending in INFLECTION_ENDINGS:
        if piece.endswith(ending) and len(piece) - len(ending) >= MIN_SUBWORD_SIZE:
            yield piece[: -len(ending)]


def _best_split(word, start, known, memo):
    """(score, parts) of the best cover of ``word[start:]``; None without one."""
    if start in memo:
        return memo[start]
    best = None
    size = len(word)
    for end in range(start + MIN_SUBWORD_SIZE, min(size, start + MAX_SUBWORD_SIZE) + 1):
        piece = word[start:end]
        if end == size:
            if start:  # the whole word is no split
                # the last part may be inflected (Kinderzentrum-s, Standesämter-n)
                base = next((form for form in _base_forms(piece) if known(form)), None)
                if base is not None:
                    candidate = ((1, 0, -len(piece), -len(piece)), (base,))
                    best = candidate if best is None or candidate[0] < best[0] else best
            continue
        forms = [form for form in (piece, piece + "e") if known(form)]
        if not forms:
            continue
        s_linked = piece.endswith(S_LINKED_ENDINGS) and word.startswith("s", end)
        for link in ("s",) if s_linked else LINKING_ELEMENTS:
            if link and not word.startswith(link, end):
                continue
            rest = _best_split(word, end + len(link), known, memo)
            if rest is None:
                continue
            (count, links, shortest, _), parts = rest
            score = (count + 1, links + bool(link), max(shortest, -len(piece)), -len(piece))
            candidate = (score, (forms[0], *parts))
            if best is None or candidate[0] < best[0]:
                best = candidate
    memo[start] = best
    return best


@lru_cache(maxsize=100_000)
def decompound(word):
    """Compound parts of a normalised word for indexing (the caller keeps the word): its
    parts and theirs in turn (Rechnungsprüfungsamt → rechnungsprüfung, amt, rechnung,
    prüfung), each once."""
    found = []
    for part in split_compound(word):
        for piece in (part, *decompound(part)):
            if piece not in found and piece != word:
                found.append(piece)
    return tuple(found)


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

    Each alternative is a phrase (a tuple of index terms; usually one term); ``phrases``
    are the same alternatives as normalised, unstemmed words (what Elasticsearch's own
    analyzer receives). ``words`` are the user's words it came from, for "Meinten Sie …?"
    and highlighting.
    """

    alternatives: tuple[tuple[str, ...], ...]
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...] = ()


def query_clauses(text):
    """Analyse a query: one clause per word (or per multi-word synonym), ANDed together."""
    words = [normalise(token) for token in tokenise(text)]
    words = [word for word in words if word not in stopwords()] or words
    clauses = []
    position = 0
    while position < len(words):
        phrase, group = _synonym_at(words, position)
        if group:
            by_terms = {}
            for synonym in group:
                by_terms.setdefault(tuple(stem(w) for w in synonym), synonym)
            alternatives = tuple(sorted(by_terms))
            phrases = tuple(by_terms[terms] for terms in alternatives)
            clauses.append(Clause(alternatives, phrase, phrases))
            position += len(phrase)
            continue
        word = words[position]
        clauses.append(Clause(((stem(word),),), (word,), ((word,),)))
        position += 1
    specific = [clause for clause in clauses if not _generic(clause)]
    return specific or clauses


def _generic(clause):
    """Whether every word of ``clause`` is one every cooperation is about."""
    generic = {stem(word) for word in GENERIC_QUERY_WORDS}
    return all(stem(word) in generic for word in clause.words)


def _synonym_at(words, position):
    """The longest synonym phrase starting at ``position`` and its group, if any. Words are
    compared by their stems, so an inflected form (Kitas, Standesämter) finds its group."""
    stems = tuple(stem(word) for word in words[position:])
    best, best_group = (), None
    for group, stemmed in _stemmed_groups(synonym_groups()):
        for phrase, phrase_stems in zip(group, stemmed, strict=True):
            if stems[: len(phrase_stems)] == phrase_stems and len(phrase) > len(best):
                best, best_group = tuple(words[position : position + len(phrase)]), group
    return best, best_group


@lru_cache(maxsize=4)
def _stemmed_groups(groups):
    return tuple((group, tuple(tuple(map(stem, phrase)) for phrase in group)) for group in groups)


def edit_distance(a, b, limit=2):
    """Damerau-Levenshtein (optimal string alignment) distance, ``limit + 1`` past ``limit``
    (rapidfuzz, in C)."""
    return OSA.distance(a, b, score_cutoff=limit)


def _python_edit_distance(a, b, limit=2):
    """The same in Python: the reference the tests compare rapidfuzz with."""
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


# Typo tolerance by length (Elasticsearch's fuzziness "AUTO:5,8"): none up to 4 letters
# (short words and abbreviations: "KOD" is no typo of "kita"), one edit up to 7, else two.
FUZZY_MIN_ONE_EDIT = 5
FUZZY_MIN_TWO_EDITS = 8
FUZZINESS = f"AUTO:{FUZZY_MIN_ONE_EDIT},{FUZZY_MIN_TWO_EDITS}"


def allowed_edits(term):
    """Edits a typo of ``term`` may have: 0 up to 4 letters, 1 up to 7, else 2."""
    if len(term) < FUZZY_MIN_ONE_EDIT:
        return 0
    return 1 if len(term) < FUZZY_MIN_TWO_EDITS else 2


def elasticsearch_analysis():
    """Index settings for Elasticsearch equivalent to the Python chain above. Synonyms are
    no filter here: the query expands them (engines/elastic.py, one clause per ``Clause``),
    so the editors' groups apply at once, as on the embedded engine."""
    return {
        "filter": {
            "atlas_stop": {"type": "stop", "stopwords": sorted(stopwords())},
            "atlas_decompound": {
                "type": "dictionary_decompounder",
                "word_list": decompound_word_list(),
                "min_word_size": MIN_WORD_SIZE,
                "min_subword_size": MIN_SUBWORD_SIZE,
                "max_subword_size": MAX_SUBWORD_SIZE,
                "only_longest_match": True,
            },
            # Plurals the light stemmer would leave apart get their singular's stem.
            "atlas_plurals": {
                "type": "stemmer_override",
                "rules": [f"{plural} => {stem}" for plural, stem in sorted(plural_stems().items())],
            },
            "atlas_stemmer": {"type": "stemmer", "language": "light_german"},
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
                    "atlas_plurals",
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
                    "atlas_plurals",
                    "atlas_stemmer",
                ],
            },
        },
    }
