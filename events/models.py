"""Event pages (webinars, workshops, conferences) and their index.

The site ships no events: editors create them. Whether an event is upcoming or past is
decided by ``ends_at`` (kept by ``save``): the end, or the start when there is no end, and
for all-day events the end of that day in Europe/Berlin.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.utils import timezone
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from cooperations.taxonomy import TaskArea


class EventKind(models.TextChoices):
    WEBINAR = "webinar", "Webinar"
    WORKSHOP = "workshop", "Workshop"
    CONFERENCE = "conference", "Konferenz"
    OTHER = "other", "Sonstiges"


class EventIndexPage(Page):
    """Lists the published events below it: upcoming ascending, past descending."""

    intro = RichTextField("Einleitung", blank=True, features=["bold", "italic", "link"])

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["kooperationsatlas.HomePage"]
    subpage_types = ["events.EventPage"]
    max_count = 1
    page_size = 10

    class Meta:
        verbose_name = "Übersicht Veranstaltungen"

    def events(self):
        return EventPage.objects.live().public().descendant_of(self).prefetch_related("task_areas")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        now = timezone.now()
        events = self.events()
        upcoming = events.filter(ends_at__gte=now).order_by("start", "pk")
        past = events.filter(ends_at__lt=now).order_by("-start", "-pk")
        context["upcoming_page"] = Paginator(upcoming, self.page_size).get_page(
            request.GET.get("seite")
        )
        context["past_page"] = Paginator(past, self.page_size).get_page(request.GET.get("archiv"))
        return context


class EventPage(Page):
    kind = models.CharField("Art", max_length=20, choices=EventKind.choices)
    start = models.DateTimeField("Beginn")
    end = models.DateTimeField(
        "Ende", null=True, blank=True, help_text="Optional; muss nach dem Beginn liegen."
    )
    all_day = models.BooleanField(
        "ganztägig", default=False, help_text="Nur die Tage zählen, Uhrzeiten werden ignoriert."
    )
    online = models.BooleanField("online", default=False)
    online_info = models.TextField(
        "Hinweise zur Online-Teilnahme",
        blank=True,
        help_text="z. B. Plattform; Zugangsdaten nur, wenn sie öffentlich sein dürfen.",
    )
    place_name = models.CharField("Ort", max_length=200, blank=True)
    address = models.TextField("Adresse", blank=True)
    organiser = models.CharField("Veranstalter", max_length=200, blank=True)
    registration_url = models.URLField("Link zur Anmeldung", max_length=500, blank=True)
    registration_deadline = models.DateField("Anmeldeschluss", null=True, blank=True)
    description = RichTextField(
        "Beschreibung", blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"]
    )
    task_areas = ParentalManyToManyField(TaskArea, blank=True, verbose_name="Aufgabenbereiche")
    ends_at = models.DateTimeField(editable=False, db_index=True, null=True)

    content_panels = Page.content_panels + [
        FieldPanel("kind"),
        MultiFieldPanel(
            [FieldPanel("start"), FieldPanel("end"), FieldPanel("all_day")], heading="Zeit"
        ),
        MultiFieldPanel(
            [
                FieldPanel("place_name"),
                FieldPanel("address"),
                FieldPanel("online"),
                FieldPanel("online_info"),
            ],
            heading="Ort",
        ),
        FieldPanel("organiser"),
        MultiFieldPanel(
            [FieldPanel("registration_url"), FieldPanel("registration_deadline")],
            heading="Anmeldung",
        ),
        FieldPanel("description"),
        FieldPanel("task_areas", widget=forms.CheckboxSelectMultiple),
    ]
    parent_page_types = ["events.EventIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = "Veranstaltung"
        verbose_name_plural = "Veranstaltungen"

    # -- dates -------------------------------------------------------------------

    @property
    def start_date(self):
        return timezone.localtime(self.start).date()

    @property
    def end_date(self):
        """The last day of the event (local)."""
        return timezone.localtime(self.end).date() if self.end else self.start_date

    def compute_ends_at(self):
        if self.start is None:
            return None
        if self.all_day:
            next_day = self.end_date + datetime.timedelta(days=1)
            midnight = datetime.datetime.combine(next_day, datetime.time.min)
            return timezone.make_aware(midnight) - datetime.timedelta(microseconds=1)
        return self.end or self.start

    def is_past(self, now=None):
        return self.compute_ends_at() < (now or timezone.now())

    def clean(self):
        super().clean()
        errors = {}
        if self.start and self.end:
            if self.all_day:
                if self.end_date < self.start_date:
                    errors["end"] = "Das Ende darf nicht vor dem Beginn liegen."
            elif self.end <= self.start:
                errors["end"] = "Das Ende muss nach dem Beginn liegen."
        if not self.online and not self.place_name.strip():
            errors["place_name"] = "Bitte einen Ort angeben oder „online“ ankreuzen."
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.ends_at = self.compute_ends_at()
        return super().save(*args, **kwargs)

    # -- texts -------------------------------------------------------------------

    @property
    def location_text(self):
        """One line for LOCATION and lists: place, address, and/or "online"."""
        parts = [self.place_name.strip()]
        parts += [line.strip() for line in self.address.splitlines()]
        text = ", ".join(part for part in parts if part)
        if self.online:
            text = f"{text} und online" if text else "Online"
        return text
