"""The error pages of the site: German, styled like the site, JSON under /api/.

Wired in ``urls.py`` (``handler400``, ``handler404``, ``handler500``) and by
``CSRF_FAILURE_VIEW``. None of them reads the database: the database may be the failure.

* 400: a bad request (e.g. too many form fields); a request body above
  ``DATA_UPLOAD_MAX_MEMORY_SIZE`` answers 413.
* 403: the CSRF check failed: what to do, in German.
* 404: for paths under ``/api/`` a JSON body, elsewhere the site's page.
* 500: an unexpected error; a database that is locked, busy or unreachable answers 503
  with ``Retry-After``, and a POST's input is shown again so nothing typed is lost.
"""

import logging
import sys

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.db import InterfaceError, OperationalError
from django.shortcuts import render
from django.views import defaults

from .api import error_response, is_api

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10
# Input never shown again: the re-sent form would put secrets into a page.
SECRET_FIELD_MARKERS = ("password", "passwort", "token", "secret")
# Not echoed either: the CSRF field gets a fresh token in the page.
INTERNAL_FIELDS = {"csrfmiddlewaretoken"}


def json_error(message, status, field="__all__"):
    """The API's error envelope (``kooperationsatlas.api``)."""
    return error_response({field: [message]}, status)


# --- 400 / 413 ----------------------------------------------------------------------------


def bad_request(request, exception=None):
    if isinstance(exception, RequestDataTooBig):
        status, heading = 413, "Anfrage zu groß"
        reason = (
            "Die gesendeten Daten sind größer, als das Portal annimmt. Bitte kürzen Sie "
            "Ihre Eingaben oder laden Sie große Dateien einzeln hoch."
        )
    elif isinstance(exception, (TooManyFieldsSent, TooManyFilesSent)):
        status, heading = 400, "Ungültige Anfrage"
        reason = "Die Anfrage enthält mehr Felder oder Dateien, als das Portal annimmt."
    else:
        status, heading = 400, "Ungültige Anfrage"
        reason = "Die Anfrage konnte nicht verarbeitet werden, weil sie fehlerhaft ist."
    if is_api(request):
        return json_error(reason, status)
    return render(
        request,
        "kooperationsatlas/errors/bad_request.html",
        {"heading": heading, "reason": reason},
        status=status,
    )


# --- 403 CSRF ------------------------------------------------------------------------------

CSRF_REASONS = {
    "no_cookie": "Ihr Browser hat das Sicherheits-Cookie nicht mitgeschickt.",
    "bad_token": "Das Sicherheitsmerkmal des Formulars passt nicht (mehr).",
    "bad_origin": "Das Formular wurde von einer anderen Adresse aus abgeschickt.",
    "no_referer": "Ihr Browser hat bei einer verschlüsselten Verbindung keinen Referer gesendet.",
}


def csrf_reason(reason):
    text = str(reason or "")
    if text.startswith("CSRF cookie"):
        return CSRF_REASONS["no_cookie"]
    if text.startswith("Origin checking") or "does not match any trusted origins" in text:
        return CSRF_REASONS["bad_origin"]
    if "Referer" in text:
        return CSRF_REASONS["no_referer"]
    return CSRF_REASONS["bad_token"]


def csrf_failure(request, reason=""):
    """``CSRF_FAILURE_VIEW``: the same 403, explained."""
    text = csrf_reason(reason)
    if is_api(request):
        return json_error(f"Sicherheitsprüfung (CSRF) fehlgeschlagen: {text}", 403)
    return render(
        request, "kooperationsatlas/errors/csrf_failure.html", {"reason": text}, status=403
    )


# --- 404 -----------------------------------------------------------------------------------


def page_not_found(request, exception=None):
    if is_api(request):
        return json_error("Unter dieser Adresse gibt es keine Ressource.", 404)
    return defaults.page_not_found(request, exception)


# --- 500 / 503 -----------------------------------------------------------------------------


def database_unavailable(exception):
    """Whether ``exception`` means the database is locked, busy or unreachable (a state
    that passes), not a bug: SQLite's "database is locked", PostgreSQL lock timeouts,
    deadlocks and lost connections are all OperationalError/InterfaceError."""
    return isinstance(exception, (OperationalError, InterfaceError))


def server_error(request):
    exception = sys.exc_info()[1]
    if database_unavailable(exception):
        return service_unavailable(request)
    if is_api(request):
        return json_error("Interner Fehler. Bitte versuchen Sie es später erneut.", 500)
    return defaults.server_error(request)


def posted_input(request):
    """(fields to show again, names left out, whether files were sent) of a POST."""
    if request.method != "POST":
        return [], [], False
    try:
        data, files = request.POST, request.FILES
    except Exception:  # the body itself was the problem
        return [], [], False
    fields, omitted = [], []
    for name, values in data.lists():
        if name in INTERNAL_FIELDS:
            continue
        if any(marker in name.lower() for marker in SECRET_FIELD_MARKERS):
            omitted.append(name)
            continue
        for value in values:
            fields.append({"name": name, "value": value, "rows": min(12, value.count("\n") + 2)})
    return fields, omitted, bool(files)


def service_unavailable(request):
    logger.warning("Database unavailable for %s %s: answered 503", request.method, request.path)
    if is_api(request):
        response = json_error(
            "Die Datenbank ist vorübergehend nicht verfügbar. Bitte gleich erneut versuchen.", 503
        )
    else:
        fields, omitted, had_files = posted_input(request)
        context = {
            "retry_after": RETRY_AFTER_SECONDS,
            "fields": fields,
            "omitted": omitted,
            "had_files": had_files,
            "action": request.get_full_path(),
            # Offer to send again only what passed the CSRF check in the first place.
            "can_resend": bool(getattr(request, "csrf_processing_done", False)),
        }
        response = render(
            request, "kooperationsatlas/errors/database_unavailable.html", context, status=503
        )
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
