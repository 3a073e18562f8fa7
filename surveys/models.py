"""Erhebungen: a coordinating body asks municipalities and Kreise how they carry out their
tasks (alone, jointly, planned, interested), once per body and campaign.

Who is asked is derived from the register (``Campaign.target_municipalities`` and
``target_counties``); a kreisfreie Stadt is asked once, as a municipality. Answers belong to
a ``Response`` (one per body and campaign, draft until submitted) with one ``TaskAnswer`` per
task area. Bodies without a verified account answer through an ``Invitation``: a personal,
single-use, expiring link of which only a hash is stored.
"""

import hashlib
import secrets
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from cooperations.taxonomy import LegalForm, TaskArea
from kooperationsatlas.widgets import task_area_queryset
from register.models import AdministrativeDistrict, BodyReference, County, Municipality, State

COORDINATE_PERMISSION = "surveys.coordinate_campaign"


def end_of_day(day):
    """The last moment of ``day`` in the site's time zone (answers count until then)."""
    return timezone.make_aware(datetime.combine(day, time.max))


def body_kwargs(body):
    """``{"municipality": body}`` or ``{"county": body}`` for a register object.

    A kreisfreie Stadt is in the register twice (as Kreis and as municipality); surveys
    ask it once, as the municipality.
    """
    if isinstance(body, Municipality):
        return {"municipality": body, "county": None}
    if isinstance(body, County):
        if body.is_kreisfreie_stadt:
            city = Municipality.objects.filter(ags__startswith=body.key).order_by("ags").first()
            if city is not None:
                return {"municipality": city, "county": None}
        return {"municipality": None, "county": body}
    raise TypeError(f"not a municipality or Kreis: {body!r}")


class Campaign(models.Model):
    """An Erhebung: which bodies are asked, about which task areas, in which period."""

    shown_on_public_pages = True  # the published results (surveys/results.py)

    class Scope(models.TextChoices):
        STATE = "land", "Alle Gemeinden und Kreise eines Landes"
        DISTRICT = "regierungsbezirk", "Alle Gemeinden und Kreise eines Regierungsbezirks"
        COUNTY = "kreis", "Ein Kreis und seine Gemeinden"
        LIST = "liste", "Ausgewählte Gemeinden und Kreise"

    title = models.CharField("Titel", max_length=200)
    description = models.TextField(
        "Beschreibung",
        help_text="Wird den Befragten über dem Fragebogen angezeigt: Zweck, Auftraggeber, "
        "was mit den Antworten geschieht.",
    )
    starts_on = models.DateField("Beginn")
    deadline = models.DateField(
        "Frist (letzter Tag)",
        help_text="Bis zum Ende dieses Tages können Antworten gespeichert und geändert werden.",
    )
    contact_email = models.EmailField(
        "Kontakt für Rückfragen",
        blank=True,
        help_text="Wird im Fragebogen und in den E-Mails genannt.",
    )

    scope = models.CharField("Befragt werden", max_length=20, choices=Scope.choices)
    state = models.ForeignKey(
        State,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Land",
        help_text="Bei „Alle Gemeinden und Kreise eines Landes“.",
    )
    district = models.ForeignKey(
        AdministrativeDistrict,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Regierungsbezirk",
        help_text="Bei „… eines Regierungsbezirks“.",
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Kreis",
        help_text="Bei „Ein Kreis und seine Gemeinden“.",
    )
    municipalities = models.ManyToManyField(
        Municipality,
        blank=True,
        related_name="+",
        verbose_name="Gemeinden",
        help_text="Bei „Ausgewählte Gemeinden und Kreise“.",
    )
    counties = models.ManyToManyField(
        County,
        blank=True,
        related_name="+",
        verbose_name="Kreise",
        help_text="Bei „Ausgewählte Gemeinden und Kreise“. Kreisfreie Städte werden als "
        "Gemeinde befragt.",
    )
    include_counties = models.BooleanField(
        "Kreise selbst befragen",
        default=True,
        help_text="Bei Land, Regierungsbezirk und Kreis: auch die Kreisverwaltungen "
        "(nicht nur die Gemeinden) befragen.",
    )

    task_areas = models.ManyToManyField(
        TaskArea,
        related_name="+",
        verbose_name="Abgefragte Aufgabenbereiche",
    )
    ask_digitalisation = models.BooleanField(
        "Zusatzfrage: Stand der Digitalisierung", default=False
    )
    ask_staff_shortage = models.BooleanField("Zusatzfrage: Personalmangel", default=False)
    ask_cooperation_interest = models.BooleanField(
        "Zusatzfrage: Interesse an Zusammenarbeit allgemein", default=False
    )
    reminder_days = models.PositiveSmallIntegerField(
        "Erinnerung (Tage vor Fristende)",
        default=7,
        help_text="Wer bis dahin nicht abgesendet hat, bekommt eine Erinnerung per E-Mail; "
        "0: keine Erinnerung.",
    )
    is_example = models.BooleanField(
        "Beispiel",
        default=False,
        help_text="Eine Beispiel-Definition zum Ausprobieren: Sie kann nicht beantwortet "
        "werden und erscheint in keiner Auswertung.",
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Angelegt von",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    class Meta:
        ordering = ["-starts_on", "title"]
        verbose_name = "Erhebung"
        verbose_name_plural = "Erhebungen"
        permissions = [
            ("coordinate_campaign", "Erhebungen koordinieren: Fortschritt, Einladungen, Rohdaten"),
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.starts_on and self.deadline and self.deadline < self.starts_on:
            errors["deadline"] = "Die Frist darf nicht vor dem Beginn liegen."
        required = {
            self.Scope.STATE: ("state", "Bitte das Land wählen."),
            self.Scope.DISTRICT: ("district", "Bitte den Regierungsbezirk wählen."),
            self.Scope.COUNTY: ("county", "Bitte den Kreis wählen."),
        }
        if self.scope in required:
            name, message = required[self.scope]
            if getattr(self, f"{name}_id") is None:
                errors[name] = message
        if errors:
            raise ValidationError(errors)

    # --- period -------------------------------------------------------------------------

    @property
    def closes_at(self):
        return end_of_day(self.deadline)

    def has_started(self, now=None):
        now = now or timezone.now()
        return timezone.localdate(now) >= self.starts_on

    def is_open(self, now=None):
        """Answers can be saved and changed: from the first day to the end of the deadline."""
        now = now or timezone.now()
        return self.has_started(now) and now <= self.closes_at

    def accepts_answers(self, now=None):
        return not self.is_example and self.is_open(now)

    # --- who is asked ---------------------------------------------------------------------

    def target_municipalities(self):
        """The municipalities asked (kreisfreie Städte included)."""
        municipalities = Municipality.objects.all()
        if self.scope == self.Scope.STATE:
            return municipalities.filter(state_id=self.state_id)
        if self.scope == self.Scope.DISTRICT:
            return municipalities.filter(district_id=self.district_id)
        if self.scope == self.Scope.COUNTY:
            return municipalities.filter(county_id=self.county_id)
        if self.pk is None:
            return municipalities.none()
        listed = Q(pk__in=self.municipalities.values("pk"))
        # A kreisfreie Stadt listed as a Kreis is asked as its municipality.
        cities = self.counties.filter(kind=County.Kind.KREISFREIE_STADT).values("pk")
        city = Q(county_id__in=cities, kind=Municipality.Kind.KREISFREIE_STADT)
        return municipalities.filter(listed | city)

    def target_counties(self):
        """The Kreise asked as Kreis (never a kreisfreie Stadt: it answers as municipality)."""
        counties = County.objects.exclude(kind=County.Kind.KREISFREIE_STADT)
        if self.scope == self.Scope.LIST:
            if self.pk is None:
                return counties.none()
            return counties.filter(pk__in=self.counties.values("pk"))
        if not self.include_counties:
            return counties.none()
        if self.scope == self.Scope.STATE:
            return counties.filter(state_id=self.state_id)
        if self.scope == self.Scope.DISTRICT:
            return counties.filter(district_id=self.district_id)
        return counties.filter(pk=self.county_id)

    def asks(self, *, municipality=None, county=None):
        """Whether this body is asked."""
        if municipality is not None:
            return self.target_municipalities().filter(pk=municipality.pk).exists()
        if county is not None:
            return self.target_counties().filter(pk=county.pk).exists()
        return False

    def target_count(self):
        return self.target_municipalities().count() + self.target_counties().count()

    def asked_task_areas(self):
        """The task areas asked, in the taxonomy's order (each below its parent)."""
        return task_area_queryset().filter(pk__in=self.task_areas.values("pk"))


class ResponseQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(status=Response.Status.SUBMITTED)

    def countable(self):
        """Submitted answers to real campaigns: what results and potentials may count."""
        return self.submitted().filter(campaign__is_example=False)


class Response(BodyReference):
    """The answers of one body to one campaign: a draft until submitted, changeable until
    the deadline (a change after submitting is submitted again)."""

    shown_on_public_pages = True  # submitting changes the published results

    class Status(models.TextChoices):
        DRAFT = "entwurf", "Entwurf"
        SUBMITTED = "abgesendet", "Abgesendet"

    class Digitalisation(models.TextChoices):
        ADVANCED = "weit", "Weitgehend digital (die meisten Verfahren medienbruchfrei)"
        PARTIAL = "teilweise", "Teilweise digital"
        STARTING = "anfang", "Am Anfang"

    class StaffShortage(models.TextChoices):
        NONE = "keiner", "Kein nennenswerter Personalmangel"
        SOME = "einzelne", "In einzelnen Bereichen"
        MANY = "viele", "In vielen Bereichen"

    class Interest(models.TextChoices):
        YES = "ja", "Ja"
        MAYBE = "vielleicht", "Vielleicht"
        NO = "nein", "Nein"

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="responses", verbose_name="Erhebung"
    )
    status = models.CharField(
        "Status", max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    digitalisation = models.CharField(
        "Stand der Digitalisierung", max_length=12, choices=Digitalisation.choices, blank=True
    )
    staff_shortage = models.CharField(
        "Personalmangel", max_length=12, choices=StaffShortage.choices, blank=True
    )
    cooperation_interest = models.CharField(
        "Interesse an (weiterer) Zusammenarbeit",
        max_length=12,
        choices=Interest.choices,
        blank=True,
    )
    remarks = models.TextField("Anmerkungen", max_length=2000, blank=True)
    interest_public = models.BooleanField(
        "Interesse darf genannt werden",
        default=False,
        help_text="Wo wir „geplant“ oder „Interesse“ angeben, darf der Kooperationsatlas uns "
        "mit Namen als interessiert zeigen (Potenzialkarte, Partnersuche), damit andere "
        "Kommunen über die Kooperationsbörse Kontakt aufnehmen können. Adressen werden nicht "
        "gezeigt. Ohne diese Zustimmung gehen unsere Antworten nur in die Zahlen ein.",
    )

    submitted_at = models.DateTimeField("Abgesendet am", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Abgesendet von",
    )
    invitation = models.ForeignKey(
        "Invitation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Beantwortet über Einladung",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)
    updated_at = models.DateTimeField("Geändert am", auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta(BodyReference.Meta):
        ordering = ["campaign", "municipality__name", "county__display_name"]
        verbose_name = "Antwort"
        verbose_name_plural = "Antworten"
        constraints = BodyReference.Meta.constraints + [
            models.UniqueConstraint(
                fields=["campaign", "municipality"], name="surveys_one_response_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["campaign", "county"], name="surveys_one_response_per_county"
            ),
        ]

    def __str__(self):
        return f"{self.campaign} – {self.body_name}"

    @property
    def is_submitted(self):
        return self.status == self.Status.SUBMITTED


class TaskAnswer(models.Model):
    """How a body carries out one task area."""

    class Status(models.TextChoices):
        ALONE = "allein", "Erledigen wir allein"
        JOINT = "gemeinsam", "Gemeinsam mit anderen Kommunen"
        PLANNED = "geplant", "Zusammenarbeit ist geplant"
        INTERESTED = "interesse", "Interesse an Zusammenarbeit"
        NOT_APPLICABLE = "entfaellt", "Trifft nicht zu (keine eigene Aufgabe)"

    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", verbose_name="Antwort"
    )
    task_area = models.ForeignKey(
        TaskArea, on_delete=models.PROTECT, related_name="+", verbose_name="Aufgabenbereich"
    )
    status = models.CharField("Wie?", max_length=12, choices=Status.choices, blank=True)
    # Only for JOINT: with whom, how, since when.
    partner_municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="+", verbose_name="Partner (Gemeinden)"
    )
    partner_counties = models.ManyToManyField(
        County, blank=True, related_name="+", verbose_name="Partner (Kreise)"
    )
    other_partners = models.CharField(
        "Weitere Beteiligte außerhalb des Registers", max_length=500, blank=True
    )
    legal_form = models.ForeignKey(
        LegalForm,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Rechtsform",
    )
    since_year = models.PositiveSmallIntegerField("Seit (Jahr)", null=True, blank=True)
    shared_service_centre = models.BooleanField(
        "Als Dienstleistungszentrum (DLZ) organisiert", null=True, blank=True
    )

    class Meta:
        ordering = ["response", "task_area__sort_order", "task_area__name"]
        verbose_name = "Antwort je Aufgabenbereich"
        verbose_name_plural = "Antworten je Aufgabenbereich"
        constraints = [
            models.UniqueConstraint(
                fields=["response", "task_area"], name="surveys_one_answer_per_task_area"
            )
        ]

    def __str__(self):
        return f"{self.task_area}: {self.get_status_display() or 'offen'}"


class Invitation(BodyReference):
    """A personal link for a body without a verified account.

    Only the SHA-256 of the token is stored; the token itself is in the mail. Opening the
    link shows a page with a button: the POST redeems it (mail scanners that fetch links do
    not use it up), binds the browser session to the body and marks the invitation used.
    """

    VALID_DAYS = 30

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="invitations", verbose_name="Erhebung"
    )
    email = models.EmailField("E-Mail-Adresse")
    token_hash = models.CharField("Prüfsumme des Links", max_length=64, unique=True, editable=False)
    expires_at = models.DateTimeField("Gültig bis")
    redeemed_at = models.DateTimeField("Eingelöst am", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Angelegt von",
    )
    created_at = models.DateTimeField("Angelegt am", auto_now_add=True)

    class Meta(BodyReference.Meta):
        ordering = ["-created_at"]
        verbose_name = "Einladung"
        verbose_name_plural = "Einladungen"

    def __str__(self):
        return f"Einladung {self.body_name} ({self.campaign})"

    @staticmethod
    def hash_token(token):
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, campaign, body, email, *, created_by=None, valid_days=None, now=None):
        """A new invitation and its token (the only time the token exists in clear)."""
        now = now or timezone.now()
        token = secrets.token_urlsafe(32)
        expires_at = min(now + timedelta(days=valid_days or cls.VALID_DAYS), campaign.closes_at)
        invitation = cls.objects.create(
            campaign=campaign,
            email=email,
            token_hash=cls.hash_token(token),
            expires_at=expires_at,
            created_by=created_by,
            **body_kwargs(body),
        )
        return invitation, token

    @classmethod
    def for_token(cls, token):
        """The invitation of a token, or None."""
        if not token or len(token) > 100:
            return None
        return (
            cls.objects.select_related("campaign", "municipality", "county")
            .filter(token_hash=cls.hash_token(token))
            .first()
        )

    def is_expired(self, now=None):
        return (now or timezone.now()) > self.expires_at

    @property
    def is_redeemed(self):
        return self.redeemed_at is not None


class Reminder(BodyReference):
    """A reminder sent to a body for a campaign (at most one per body and campaign)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="reminders", verbose_name="Erhebung"
    )
    recipients = models.PositiveSmallIntegerField("Empfänger", default=0)
    sent_at = models.DateTimeField("Gesendet am", auto_now_add=True)

    class Meta(BodyReference.Meta):
        ordering = ["-sent_at"]
        verbose_name = "Erinnerung"
        verbose_name_plural = "Erinnerungen"
        constraints = BodyReference.Meta.constraints + [
            models.UniqueConstraint(
                fields=["campaign", "municipality"], name="surveys_one_reminder_per_municipality"
            ),
            models.UniqueConstraint(
                fields=["campaign", "county"], name="surveys_one_reminder_per_county"
            ),
        ]

    def __str__(self):
        return f"Erinnerung {self.body_name} ({self.campaign})"


class ReportedCooperation(models.Model):
    """A cooperation that two or more partners reported in a campaign (each naming the
    other, same task area), and the draft profile proposed to the editors for it.

    One row per campaign, task area and set of bodies, so proposing again creates nothing
    new, even after the editors deleted the draft (``page`` is then empty)."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="+", verbose_name="Erhebung"
    )
    task_area = models.ForeignKey(
        TaskArea, on_delete=models.PROTECT, related_name="+", verbose_name="Aufgabenbereich"
    )
    bodies = models.CharField(
        "Körperschaften",
        max_length=2000,
        help_text="AGS und Kreisschlüssel der Partner, sortiert und mit Komma getrennt.",
    )
    page = models.ForeignKey(
        "wagtailcore.Page",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="Entwurf",
    )
    created_at = models.DateTimeField("Vorgeschlagen am", auto_now_add=True)

    class Meta:
        verbose_name = "Gemeldete Kooperation"
        verbose_name_plural = "Gemeldete Kooperationen"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "task_area", "bodies"], name="surveys_reported_once"
            )
        ]

    def __str__(self):
        return f"{self.task_area}: {self.bodies}"
