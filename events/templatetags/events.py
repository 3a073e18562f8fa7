"""German date formatting for events: "Di., 3. März 2026, 10:00–12:00 Uhr"."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

WEEKDAYS = ("Mo.", "Di.", "Mi.", "Do.", "Fr.", "Sa.", "So.")
MONTHS = (
    "Januar", "Februar", "März", "April", "Mai", "Juni",
    "Juli", "August", "September", "Oktober", "November", "Dezember",
)  # fmt: skip


def german_date(day):
    return f"{WEEKDAYS[day.weekday()]} {day.day}. {MONTHS[day.month - 1]} {day.year}"


def _time(moment, text, *, date_only=False):
    value = moment.date().isoformat() if date_only else moment.isoformat(timespec="minutes")
    return format_html('<time datetime="{}">{}</time>', value, text)


@register.simple_tag
def event_when(event):
    """The event's date and time as accessible HTML with <time datetime>."""
    start = timezone.localtime(event.start)
    end = timezone.localtime(event.end) if event.end else None
    if event.all_day:
        first = _time(start, german_date(start), date_only=True)
        if end is None or end.date() == start.date():
            return first
        return format_html("{} – {}", first, _time(end, german_date(end), date_only=True))
    first = _time(start, f"{german_date(start)}, {start:%H:%M}")
    if end is None:
        return format_html("{} Uhr", first)
    if end.date() == start.date():
        return format_html("{}–{} Uhr", first, _time(end, f"{end:%H:%M}"))
    return format_html("{} Uhr – {} Uhr", first, _time(end, f"{german_date(end)}, {end:%H:%M}"))


@register.filter
def de_date(day):
    """A date as "Di., 3. März 2026"."""
    return german_date(day) if day else ""
