"""The one entry point for searching: picks the engine and falls back when it fails."""

import logging

from .engines import embedded_engine, primary_engine

logger = logging.getLogger(__name__)

FALLBACK_NOTICE = (
    "Die Suche läuft gerade im Ersatzbetrieb über die Datenbank des Portals; "
    "Treffer und Reihenfolge können leicht abweichen."
)


def search(query):
    """Search with the configured engine; on any engine failure use the embedded one."""
    engine = primary_engine()
    if engine.name == embedded_engine().name:
        return engine.search(query)
    try:
        return engine.search(query)
    except Exception:  # the user never sees an engine error
        logger.exception(
            "Search engine %s failed; falling back to the embedded engine", engine.name
        )
        results = embedded_engine().search(query)
        results.notices.append(FALLBACK_NOTICE)
        return results
