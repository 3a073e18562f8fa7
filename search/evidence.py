"""How strongly a profile answers a query: the one policy that cuts weak hits, shared by
every engine (the embedded engine on SQLite and PostgreSQL, Elasticsearch).

Every clause of a query (``analysis.Clause``: a word with its synonyms) must match a hit
somewhere; *where* it matches is the evidence:

* ``CONFIRMED``: every clause is in the title, the partners (with their places) or the
  summary (the profile's own statement of what it is about; there as a word, not only as
  a compound part), or in the text *and* in the task areas, forms or tags: the profile
  is about it (a procurement pool that says "Beschaffung" and is tagged "Vergabe und
  Beschaffung");
* ``TEXT``: every clause is at least in the profile's text, or in the title or partners;
  a single mention in passing ("… etwa Gewerbegebiet und Feuerwehr") is enough;
* anything else (``ANY``): some clause matches only through a task-area name, a form or a
  tag.

A query shows the documents of the best level that has any (``LEVELS``, best first):
when some profile confirms every word, profiles that only mention one in their text are
no hits; when none does, every profile that says it in its text is one; when only labels
match ("Sport"), the labelled profiles are the hits. Hits, total and facet counts alike.
The ranking inside the level is the engines' own (title first, docs/search.md). The parts
of a word no profile contains (a guess, see ``chosen_level``) need ``CONFIRMED``.
"""

CONFIRMED = "confirmed"
TEXT = "text"
ANY = "any"
LEVELS = (CONFIRMED, TEXT, ANY)  # best first

# The search document's text fields by the evidence they give (documents.build_document).
STRONG_FIELDS = ("title", "partners", "places", "summary")
TEXT_FIELDS = ("body",)
LABEL_FIELDS = ("keywords",)
# Of these strong fields only the words are strong; their compound parts count as text
# (a partner "Wasserbeschaffungsverband" or "Rechenzentrumskosten" in a summary is no
# Beschaffung, no Rechenzentrum). A title's parts stay strong ("Archivkooperation Lohmar").
PARTS_ARE_TEXT = ("partners", "places", "summary")


def chosen_level(has_matches, *, guessed=False):
    """The best level for which ``has_matches(level)`` is true (ANY when none is):
    engines ask for the levels best first and stop at the first with a match.

    ``guessed``: some clauses are the parts of a word no profile contains
    ("Hafenbetrieb" → Hafen, Betrieb). Such a guess counts only when confirmed: a
    "Flughafen" in one sentence and a "Betrieb" in another are no Hafenbetrieb. None:
    no hits."""
    if guessed:
        return CONFIRMED if has_matches(CONFIRMED) else None
    for level in LEVELS[:-1]:
        if has_matches(level):
            return level
    return ANY
