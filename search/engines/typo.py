"""Typo planning of the embedded engine: a query's clauses become a ``TextPlan`` for the
full-text backend. A plain word that no document contains is first split into parts the
index knows (an unknown compound: "Standesamtsverbund" → standesamt), else expanded to its
typo variants (not for words of up to four letters nor known abbreviations); the best
variant becomes the "Meinten Sie …?" text."""

from dataclasses import dataclass

from ..analysis import (
    MIN_NOUN_PART,
    MIN_SUBWORD_SIZE,
    TOKEN_RE,
    allowed_edits,
    compound_parts,
    edit_distance,
    is_cooperation_part,
    normalise,
    split_compound,
    stem,
    tokenise,
)
from ..models import IndexedDocument
from ..thesaurus import abbreviations
from .storage import analyse_token

MAX_EXPANSIONS = 50  # typo variants per query term (Elasticsearch's fuzzy default)


@dataclass
class TextPlan:
    """A query's clauses as the full-text index gets them, after typo expansion."""

    clauses: list  # [[alternative phrase (tuple of terms), ...], ...], ANDed
    terms: frozenset  # single terms that may match (with typo variants): for highlighting
    phrases: tuple  # multi-word alternatives: for highlighting
    suggestion: str | None = None
    guessed: bool = False  # a clause is a part of a word no document contains


def corrected_text(text, corrections):
    """``text`` with each word whose normalised form is in ``corrections`` replaced."""
    pieces, cursor, changed = [], 0, False
    for match in TOKEN_RE.finditer(text):
        replacement = corrections.get(normalise(match.group()))
        if replacement is not None:
            pieces.append(text[cursor : match.start()])
            pieces.append(replacement)
            cursor = match.end()
            changed = True
    pieces.append(text[cursor:])
    return "".join(pieces) if changed else None


def text_plan(fulltext, clauses, text, *, suggest=True):
    """Split unknown compounds, expand unknown terms to their typo variants and find
    "Meinten Sie …?" (only if ``suggest``; it costs queries)."""
    everything = {t for clause in clauses for phrase in clause.alternatives for t in phrase}
    frequencies = fulltext.document_frequencies(everything)
    terms = {p[0] for clause in clauses for p in clause.alternatives if len(p) == 1}
    phrases = tuple(sorted({p for clause in clauses for p in clause.alternatives if len(p) > 1}))
    expanded, corrections = [], {}
    guessed = False
    for clause in clauses:
        plain = len(clause.alternatives) == 1 and len(clause.words) == 1
        if plain and not frequencies.get(clause.alternatives[0][0]):
            parts = known_parts(fulltext, clause.words[0])
            if parts:
                expanded.extend([[(part,)] for part in parts])
                terms.update(parts)
                guessed = True
                continue
        alternatives = list(clause.alternatives)
        if len(clause.words) == 1:
            # "Archivkooperation" is about archives: also what it names beside the
            # cooperation (as for an unknown compound).
            named = cooperation_compound(clause.words[0])
            if named and named not in alternatives:
                alternatives.append(named)
                terms.update(named)
        for phrase in clause.alternatives:
            if len(phrase) != 1 or frequencies.get(phrase[0]):
                continue
            if any(word in abbreviations() for word in clause.words):
                continue  # "KOD" is no typo of "kita"
            candidates = typo_candidates(fulltext, phrase[0])
            for candidate in candidates:
                terms.add(candidate)
                if (candidate,) not in alternatives:
                    alternatives.append((candidate,))
            # A plain word (not a synonym) that nothing contains: suggest the best.
            if candidates and plain and suggest:
                corrections[clause.words[0]] = surface_form(
                    fulltext, candidates[0], clause.words[0]
                )
        expanded.append(alternatives)
    return TextPlan(
        expanded, frozenset(terms), phrases, corrected_text(text, corrections), guessed
    )


def known_parts(fulltext, word):
    """The index terms of the parts of ``word`` when it is a compound of words the index
    contains (linking elements allowed); parts every cooperation is about (Verbund,
    Kooperation …) are left out. () when there is no such split."""
    pieces = {
        word[start:end]
        for start in range(len(word))
        for end in range(start + MIN_SUBWORD_SIZE, len(word) + 1)
    }
    pieces |= {piece + "e" for piece in pieces}
    frequencies = fulltext.document_frequencies({stem(piece) for piece in pieces})

    def known(part):
        if is_cooperation_part(part):
            return True
        if len(part) < MIN_NOUN_PART and part not in compound_parts():
            return False
        return bool(frequencies.get(stem(part)))

    parts = [part for part in split_compound(word, known) if not is_cooperation_part(part)]
    return tuple(dict.fromkeys(stem(part) for part in parts))


def cooperation_compound(word):
    """The stems of what a compound names beside a part every cooperation is about
    ("Feuerwehrkooperation" → feuerwehr), as one phrase; None for other words."""
    parts = split_compound(word)
    if not any(is_cooperation_part(part) for part in parts):
        return None
    named = tuple(dict.fromkeys(stem(p) for p in parts if not is_cooperation_part(p)))
    return named or None


def typo_candidates(fulltext, term):
    """Vocabulary terms within fuzziness AUTO of ``term``: the nearest first, then the
    most frequent (as Elasticsearch ranks fuzzy expansions), at most MAX_EXPANSIONS."""
    max_edits = allowed_edits(term)
    if not max_edits:
        return []
    found = fulltext.fuzzy_candidates(term, max_edits)
    found.sort(key=lambda entry: (entry[1], -entry[2], entry[0]))
    return [candidate for candidate, _, _ in found[:MAX_EXPANSIONS]]


def surface_form(fulltext, term, user_word):
    """A word as it is written in the profiles whose term is ``term`` (terms are stems
    such as "behord"): the one closest to what the user typed. ``term`` if none."""
    page_ids = fulltext.first_documents(term, 3)
    best = None
    for document in IndexedDocument.objects.filter(page_id__in=page_ids).values_list(
        "document", flat=True
    ):
        text = "\n".join(
            [
                document.get("title") or "",
                *(document.get("partners") or []),
                *(document.get("keywords") or []),
                *(document.get("places") or []),
                document.get("body") or "",
            ]
        )
        for token in set(tokenise(text)):
            if analyse_token(token)[0] == term:
                limit = max(len(token), len(user_word))
                key = (edit_distance(normalise(token), user_word, limit), len(token), token)
                best = min(best, key) if best else key
    return best[2] if best else term
