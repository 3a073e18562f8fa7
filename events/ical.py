"""iCalendar (RFC 5545) output for event pages, built with the `icalendar` library.

Times are written in UTC ("…Z"), all-day events as DATE values with an exclusive DTEND.
The library escapes TEXT values (commas, semicolons, backslashes, newlines) and folds
lines at 75 octets.
"""

import datetime
import html
import re

from django.utils import timezone
from icalendar import Calendar, Event
from wagtail.rich_text import expand_db_html

from kooperationsatlas import links

PRODID = "-//Kooperationsatlas//Veranstaltungen//DE"
BLOCK_END = re.compile(r"</(p|h[1-6]|li|ul|ol|div|blockquote)>|<br\s*/?>", re.IGNORECASE)
TAG = re.compile(r"<[^>]+>")


def rich_text_to_plain(value):
    """Plain text from rich text: one line per block, entities decoded."""
    text = BLOCK_END.sub("\n", expand_db_html(value or ""))
    text = html.unescape(TAG.sub("", text))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return "\n".join(line for line in lines if line)


def event_uid(event, request=None):
    """Stable per event and public host (``kooperationsatlas.links``)."""
    return f"veranstaltung-{event.pk}@{links.base_host(request)}"


def event_description(event):
    parts = [rich_text_to_plain(event.description)]
    if event.organiser:
        parts.append(f"Veranstalter: {event.organiser}")
    if event.online and event.online_info.strip():
        parts.append(f"Online-Teilnahme: {event.online_info.strip()}")
    if event.registration_url:
        line = f"Anmeldung: {event.registration_url}"
        if event.registration_deadline:
            line += f" (bis {event.registration_deadline:%d.%m.%Y})"
        parts.append(line)
    return "\n\n".join(part for part in parts if part)


def _utc(moment):
    return moment.astimezone(datetime.UTC).replace(microsecond=0)


def build_vevent(event, request=None):
    vevent = Event()
    vevent.add("uid", event_uid(event, request))
    stamp = event.last_published_at or event.latest_revision_created_at or timezone.now()
    vevent.add("dtstamp", _utc(stamp))
    if event.all_day:
        vevent.add("dtstart", event.start_date)
        vevent.add("dtend", event.end_date + datetime.timedelta(days=1))
    else:
        vevent.add("dtstart", _utc(event.start))
        if event.end:
            vevent.add("dtend", _utc(event.end))
    vevent.add("summary", event.title)
    description = event_description(event)
    if description:
        vevent.add("description", description)
    location = event.location_text
    if location:
        vevent.add("location", location)
    url = links.page_url(event, request)
    if url:
        vevent.add("url", url)
    vevent.add("categories", [event.get_kind_display()])
    return vevent


def build_calendar(events, request=None, *, name=None):
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if name:
        calendar.add("x-wr-calname", name)
    for event in events:
        calendar.add_component(build_vevent(event, request))
    return calendar.to_ical()
