"""The report form. Partners come from the register by key or exact name, without JavaScript."""

import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils import timezone

from cooperations.models import PartnerRole, Phase
from cooperations.taxonomy import CooperationModel, LegalForm
from kooperationsatlas.ids import IdChoiceField, IdMultipleChoiceField
from kooperationsatlas.widgets import task_area_queryset, task_area_widget
from register.lookup import find_places
from register.models import County, Municipality

MIN_YEAR = 1900
FUTURE_YEARS = 5  # a planned cooperation may start a few years ahead
MIN_PARTNERS = 2
MAX_LINES = 50
MAX_SOURCES = 20

ROLE_WORDS = {
    "federführend": PartnerRole.LEAD,
    "federfuehrend": PartnerRole.LEAD,
    "sitz": PartnerRole.LEAD,
    "mitglied": PartnerRole.MEMBER,
    "dienstleister": PartnerRole.PROVIDER,
    "aufnehmend": PartnerRole.PROVIDER,
    "abgebend": PartnerRole.DELEGATING,
    "sonstige": PartnerRole.OTHER,
    "sonstige beteiligte": PartnerRole.OTHER,
}
ROLE_HELP = "federführend, Mitglied, Dienstleister, abgebend oder sonstige"


@dataclass
class ParsedPartner:
    role: str
    municipality: Municipality | None = None
    county: County | None = None
    organisation: str = ""

    @property
    def key(self):
        if self.municipality is not None:
            return ("m", self.municipality.pk)
        if self.county is not None:
            return ("c", self.county.pk)
        return ("o", self.organisation.casefold())

    @property
    def label(self):
        if self.municipality is not None:
            return f"{self.municipality.name} (AGS {self.municipality.ags})"
        if self.county is not None:
            return f"{self.county.display_name} (Kreisschlüssel {self.county.key})"
        return self.organisation


def _lines(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _split_role(line):
    """'05974016 Erwitte; federführend' -> ('05974016 Erwitte', LEAD)."""
    spec, _, role_text = line.partition(";")
    spec, role_text = spec.strip(), role_text.strip()
    if not role_text:
        return spec, PartnerRole.MEMBER
    role = ROLE_WORDS.get(role_text.casefold())
    if role is None:
        raise ValidationError(
            f"„{line}“: unbekannte Rolle „{role_text}“. Möglich sind: {ROLE_HELP}."
        )
    return spec, role


def _candidate_label(body):
    if isinstance(body, Municipality):
        return f"{body.name} (Gemeinde, AGS {body.ags}, {body.county.display_name})"
    return f"{body.display_name} ({body.get_kind_display()}, Kreisschlüssel {body.key})"


def resolve_register_bodies(text, max_lines):
    """The register partners of ``text``, one a line (roles are not asked: a ";" is part of
    the name), every line's error collected into one ValidationError."""
    lines = [line.strip() for line in text.splitlines()]
    lines = [line for line in lines if line]
    if len(lines) > max_lines:
        raise ValidationError(f"Bitte höchstens {max_lines} Zeilen angeben.")
    found, errors = [], []
    for line in lines:
        try:
            found.append(resolve_register_partner(line.replace(";", " ")))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return found


def resolve_register_partner(line):
    """One register partner from a line: an AGS (8 digits), a Kreis key (5 digits) or a name."""
    spec, role = _split_role(line)
    key = re.match(r"^(\d+)\b", spec)
    if key:
        digits = key.group(1)
        if len(digits) == 8:
            municipality = Municipality.objects.filter(ags=digits).first()
            if municipality is None:
                raise ValidationError(
                    f"„{line}“: Im Register gibt es keine Gemeinde mit dem "
                    f"Gemeindeschlüssel (AGS) {digits}."
                )
            return ParsedPartner(role=role, municipality=municipality)
        if len(digits) == 5:
            county = County.objects.filter(key=digits).first()
            if county is None:
                raise ValidationError(
                    f"„{line}“: Im Register gibt es keinen Kreis mit dem Kreisschlüssel {digits}."
                )
            return ParsedPartner(role=role, county=county)
        raise ValidationError(
            f"„{line}“: Ein Schlüssel hat 8 Ziffern (Gemeinde, AGS) oder 5 Ziffern (Kreis), "
            f"nicht {len(digits)}."
        )
    found = find_places(spec, limit=5).without_city_counties()
    if not found:
        raise ValidationError(
            f"„{line}“: Im Register gibt es keine Gemeinde und keinen Kreis mit diesem Namen. "
            "Bitte den genauen Namen oder den Schlüssel (AGS bzw. Kreisschlüssel) angeben."
        )
    body = found.single
    if body is None:
        names = "; ".join(_candidate_label(body) for body in found.all[:5])
        raise ValidationError(
            f"„{line}“: Der Name ist nicht eindeutig. Bitte den Schlüssel angeben, "
            f"z. B. eine dieser Möglichkeiten: {names}."
        )
    if isinstance(body, Municipality):
        return ParsedPartner(role=role, municipality=body)
    return ParsedPartner(role=role, county=body)


class TermChoiceField(IdChoiceField):
    def label_from_instance(self, obj):
        return str(obj)


class ReportForm(forms.Form):
    title = forms.CharField(
        label="Titel der Kooperation",
        max_length=255,
        help_text="Zum Beispiel „Gemeinsame Beihilfestelle der Gemeinden A und B“.",
        error_messages={
            "required": "Bitte einen Titel angeben.",
            "max_length": "Der Titel darf höchstens %(limit_value)d Zeichen haben "
            "(jetzt: %(show_value)d).",
        },
    )
    summary = forms.CharField(
        label="Kurzbeschreibung",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Zwei bis drei Sätze: Wer arbeitet wobei zusammen? Höchstens 1000 Zeichen.",
        error_messages={
            "required": "Bitte eine Kurzbeschreibung angeben.",
            "max_length": "Die Kurzbeschreibung darf höchstens %(limit_value)d Zeichen haben "
            "(jetzt: %(show_value)d).",
        },
    )
    occasion = forms.CharField(
        label="Anlass",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: Warum haben die Partner die Kooperation begonnen?",
    )
    goal = forms.CharField(
        label="Ziel",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Optional: Was soll die Kooperation erreichen?",
    )
    description = forms.CharField(
        label="Beschreibung der Umsetzung",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="Wie ist die Zusammenarbeit organisiert? Nur Text; Absätze durch eine "
        "Leerzeile trennen.",
        error_messages={
            "required": "Bitte die Umsetzung beschreiben.",
            "max_length": "Die Beschreibung darf höchstens %(limit_value)d Zeichen haben "
            "(jetzt: %(show_value)d).",
        },
    )
    task_areas = IdMultipleChoiceField(
        label="Aufgabenbereiche",
        queryset=task_area_queryset(),
        widget=task_area_widget(),
        help_text="Mindestens einen ankreuzen.",
        error_messages={
            "invalid_choice": "Unbekannter Aufgabenbereich: %(value)s.",
            "invalid_pk_value": "Unbekannter Aufgabenbereich: %(pk)s.",
            "required": "Bitte mindestens einen Aufgabenbereich auswählen.",
        },
    )
    legal_form = TermChoiceField(
        label="Rechtsform",
        required=False,
        queryset=LegalForm.objects.select_related("parent").order_by(
            "parent__sort_order", "sort_order", "name"
        ),
        empty_label="nicht bekannt",
        error_messages={"invalid_choice": "Unbekannte Rechtsform."},
    )
    cooperation_model = IdChoiceField(
        label="Kooperationsmodell",
        required=False,
        queryset=CooperationModel.objects.all(),
        empty_label="nicht bekannt",
        error_messages={"invalid_choice": "Unbekanntes Kooperationsmodell."},
    )
    phase = forms.ChoiceField(
        label="Phase",
        required=False,
        choices=[("", "nicht bekannt")] + list(Phase.choices),
        error_messages={"invalid_choice": "Unbekannte Phase."},
    )
    start_year = forms.IntegerField(
        label="Startjahr",
        required=False,
        help_text=f"Optional; zwischen {MIN_YEAR} und {{max_year}}.",
        error_messages={"invalid": "Bitte eine Jahreszahl mit vier Ziffern eingeben."},
    )
    partners = forms.CharField(
        label="Partner aus dem Register",
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Eine Gemeinde oder ein Kreis pro Zeile: Gemeindeschlüssel (AGS, 8 Ziffern), "
        "Kreisschlüssel (5 Ziffern) oder der genaue Name. Optional nach einem Semikolon die "
        f"Rolle ({ROLE_HELP}), z. B. „05974016 Erwitte; federführend“. Ohne Angabe: Mitglied.",
        error_messages={"required": "Bitte die Partner aus dem Register angeben."},
    )
    organisations = forms.CharField(
        label="Weitere beteiligte Organisationen",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Optional: Beteiligte außerhalb des Registers (z. B. ein IT-Dienstleister), "
        "eine pro Zeile; Rolle wie oben nach einem Semikolon (ohne Angabe: sonstige).",
    )
    sources = forms.CharField(
        label="Quellen (Internetadressen)",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Mindestens eine Adresse, die die Kooperation belegt (Ratsbeschluss, "
        "Pressemitteilung, Satzung), eine pro Zeile, beginnend mit https:// oder http://.",
        error_messages={"required": "Bitte mindestens eine Quelle angeben."},
    )
    contact_name = forms.CharField(
        label="Ansprechperson für Rückfragen",
        max_length=200,
        help_text="Wird nur für Rückfragen der Redaktion gespeichert und nicht veröffentlicht.",
        error_messages={"required": "Bitte eine Ansprechperson angeben."},
    )
    contact_email = forms.EmailField(
        label="E-Mail für Rückfragen",
        help_text="Wird nicht veröffentlicht.",
        error_messages={
            "required": "Bitte eine E-Mail-Adresse angeben.",
            "invalid": "Bitte eine gültige E-Mail-Adresse angeben (name@beispiel.de).",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_year = timezone.localdate().year + FUTURE_YEARS
        field = self.fields["start_year"]
        field.help_text = field.help_text.format(max_year=self.max_year)
        field.widget.attrs.update({"min": MIN_YEAR, "max": self.max_year})

    def clean_start_year(self):
        year = self.cleaned_data.get("start_year")
        if year is not None and not MIN_YEAR <= year <= self.max_year:
            raise ValidationError(
                f"Das Startjahr muss zwischen {MIN_YEAR} und {self.max_year} liegen."
            )
        return year

    def clean_partners(self):
        lines = _lines(self.cleaned_data.get("partners"))
        if len(lines) > MAX_LINES:
            raise ValidationError(f"Bitte höchstens {MAX_LINES} Partner angeben.")
        partners, errors = [], []
        for line in lines:
            try:
                partners.append(resolve_register_partner(line))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        if not partners:
            raise ValidationError("Bitte die Partner aus dem Register angeben.")
        return partners

    def clean_organisations(self):
        lines = _lines(self.cleaned_data.get("organisations"))
        if len(lines) > MAX_LINES:
            raise ValidationError(f"Bitte höchstens {MAX_LINES} Organisationen angeben.")
        partners, errors = [], []
        for line in lines:
            try:
                name, role = _split_role(line)
            except ValidationError as error:
                errors.extend(error.messages)
                continue
            if ";" not in line:
                role = PartnerRole.OTHER
            if len(name) > 200:
                errors.append(f"„{name[:40]}…“: Ein Name darf höchstens 200 Zeichen haben.")
                continue
            partners.append(ParsedPartner(role=role, organisation=name))
        if errors:
            raise ValidationError(errors)
        return partners

    def clean_sources(self):
        lines = _lines(self.cleaned_data.get("sources"))
        if len(lines) > MAX_SOURCES:
            raise ValidationError(f"Bitte höchstens {MAX_SOURCES} Quellen angeben.")
        validate = URLValidator(schemes=["http", "https"])
        urls, errors = [], []
        for line in lines:
            if len(line) > 1000:
                errors.append(f"„{line[:60]}…“: Eine Adresse darf höchstens 1000 Zeichen haben.")
                continue
            try:
                validate(line)
            except ValidationError:
                errors.append(
                    f"„{line}“ ist keine gültige Internetadresse "
                    "(nur http:// und https:// sind erlaubt)."
                )
                continue
            if line not in urls:
                urls.append(line)
        if errors:
            raise ValidationError(errors)
        if not urls:
            raise ValidationError("Bitte mindestens eine Quelle angeben.")
        return urls

    def clean(self):
        cleaned = super().clean()
        if self.has_error("partners") or self.has_error("organisations"):
            return cleaned
        everyone = cleaned.get("partners", []) + cleaned.get("organisations", [])
        seen, duplicates = set(), []
        for partner in everyone:
            if partner.key in seen:
                duplicates.append(partner.label)
            seen.add(partner.key)
        if duplicates:
            self.add_error(
                "partners", "Diese Partner stehen mehrfach in der Liste: " + ", ".join(duplicates)
            )
        elif len(everyone) < MIN_PARTNERS:
            self.add_error(
                "partners",
                f"Eine Kooperation hat mindestens {MIN_PARTNERS} Partner; angegeben: "
                f"{len(everyone)}. Weitere Partner hier oder unter „Weitere beteiligte "
                "Organisationen“ eintragen.",
            )
        return cleaned

    @property
    def all_partners(self):
        return self.cleaned_data["partners"] + self.cleaned_data.get("organisations", [])
