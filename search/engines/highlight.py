"""Highlighting of the embedded engine, identical on both databases: the text escaped,
matched words wrapped in <mark> (Elasticsearch's highlighter works alike)."""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

from ..analysis import TOKEN_RE
from .storage import analyse_token

SNIPPET_LENGTH = 180  # characters of body text around the matches
SNIPPET_CONTEXT = 40  # characters before the first match

_WHITESPACE = re.compile(r"\s+")


def _match_spans(text, terms, phrases=()):
    """(start, end, label) of the words of ``text`` that a query matches: a word whose term
    (or one of its compound parts) is in ``terms``, or a run of words forming one of
    ``phrases`` (stop words in between are skipped, as in the index)."""
    tokens = []
    for match in TOKEN_RE.finditer(text):
        term, parts = analyse_token(match.group().lower())
        if term is not None:
            tokens.append((match.start(), match.end(), term, parts))
    marked = {}
    for index, (_, _, term, parts) in enumerate(tokens):
        if term in terms:
            marked[index] = term
        else:
            part = next((part for part in parts if part in terms), None)
            if part is not None:
                marked[index] = part
    for phrase in phrases:
        size = len(phrase)
        for first in range(len(tokens) - size + 1):
            if all(tokens[first + k][2] == phrase[k] for k in range(size)):
                for k in range(size):
                    marked[first + k] = " ".join(phrase)
    return [(tokens[index][0], tokens[index][1], marked[index]) for index in sorted(marked)]


def _best_window(text, spans, length):
    """(start, end) of a passage of about ``length`` characters with the most different
    matched terms (the earliest of equals), starting and ending at word boundaries."""
    best, best_count = 0, 0
    for first in range(len(spans)):
        window_start = spans[first][0]
        seen = set()
        for index in range(first, len(spans)):
            _, span_end, term = spans[index]
            if span_end - window_start > length:
                break
            seen.add(term)
        if len(seen) > best_count:
            best, best_count = first, len(seen)
    match_start = spans[best][0]
    start = max(0, match_start - SNIPPET_CONTEXT)
    if start > 0:
        space = text.find(" ", start, match_start)
        start = space + 1 if space != -1 else match_start
    end = max(start + length, spans[best][1])
    if end < len(text):
        space = text.rfind(" ", spans[best][1], end)
        end = space if space != -1 else end
        # never cut through a marked word
        for span_start, span_end, _ in spans:
            if span_start < end < span_end:
                end = span_end
    return start, min(end, len(text))


def _render(text, spans, start, end):
    pieces = ["… "] if start > 0 else []
    cursor = start
    for span_start, span_end, _ in spans:
        if span_end <= start or span_start < cursor:
            continue
        if span_start >= end:
            break
        pieces.append(escape(text[cursor:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        cursor = span_end
    pieces.append(escape(text[cursor:end]))
    if end < len(text):
        pieces.append(" …")
    return _WHITESPACE.sub(" ", "".join(pieces)).strip()


def highlight(document, terms, phrases=(), length=SNIPPET_LENGTH):
    """Safe HTML from the document's summary, or else the best passage of its body: all
    text escaped, words matching ``terms`` or ``phrases`` (analysed, as in
    analysis.Clause) wrapped in <mark>.

    Empty when neither contains a match (the match was in the title or the partners).
    The same on both databases; Elasticsearch's highlighter works alike (whole summary,
    else a body fragment).
    """
    if not terms and not phrases:
        return ""
    summary = document.get("summary") or ""
    spans = _match_spans(summary, terms, phrases)
    if spans:
        return mark_safe(_render(summary, spans, 0, len(summary)))
    body = document.get("body") or ""
    spans = _match_spans(body, terms, phrases)
    if not spans:
        return ""
    start, end = _best_window(body, spans, length)
    return mark_safe(_render(body, spans, start, end))
