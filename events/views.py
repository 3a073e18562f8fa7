"""iCalendar downloads: one file per event and a feed of the upcoming events."""

from django.http import Http404, HttpResponse
from django.utils import timezone

from .ical import build_calendar
from .models import EventPage

CONTENT_TYPE = "text/calendar; charset=utf-8"


def _response(body, filename, *, attachment):
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    disposition = "attachment" if attachment else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def event_ical(request, pk):
    event = EventPage.objects.live().public().filter(pk=pk).first()
    if event is None:
        raise Http404("Keine veröffentlichte Veranstaltung mit dieser Nummer.")
    body = build_calendar([event], request)
    return _response(body, f"veranstaltung-{event.pk}.ics", attachment=True)


def calendar_feed(request):
    events = (
        EventPage.objects.live()
        .public()
        .filter(ends_at__gte=timezone.now())
        .order_by("start", "pk")
    )
    body = build_calendar(events, request, name="Kooperationsatlas – Veranstaltungen")
    return _response(body, "kalender.ics", attachment=False)
