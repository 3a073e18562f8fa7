"""Forms of the Börse. The posting body never comes from a form: it is the account's."""

from datetime import timedelta

from django import forms
from django.utils import timezone

from cooperations.taxonomy import TaskArea
from kooperationsatlas.ids import IdChoiceField, IdMultipleChoiceField
from kooperationsatlas.widgets import (
    county_queryset,
    county_widget,
    task_area_queryset,
    task_area_widget,
)
from register.models import County, State

from .models import BoerseEntry, EntryKind, InterestMessage
from .services import MAX_RADIUS_KM, MAX_VALIDITY_DAYS


class CountySelectField(IdChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.display_name} ({obj.state.name})"


def validate_expiry(value):
    today = timezone.localdate()
    if value <= today:
        raise forms.ValidationError("Das Datum muss in der Zukunft liegen.")
    latest = today + timedelta(days=MAX_VALIDITY_DAYS)
    if value > latest:
        raise forms.ValidationError(
            f"Ein Eintrag läuft höchstens zwölf Monate, also bis spätestens {latest:%d.%m.%Y}."
        )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


GERMAN_DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class EntryForm(forms.ModelForm):
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
    region_radius_km = forms.IntegerField(
        label="Umkreis (km)",
        required=False,
        min_value=0,
        max_value=MAX_RADIUS_KM,
        help_text=f"Umkreis um Ihre Gemeinde bzw. Ihren Kreis, 0 bis {MAX_RADIUS_KM} km.",
        error_messages={
            "min_value": "Der Umkreis darf nicht negativ sein.",
            "max_value": f"Der Umkreis darf höchstens {MAX_RADIUS_KM} km betragen.",
            "invalid": "Bitte eine ganze Zahl eingeben.",
        },
    )
    region_counties = IdMultipleChoiceField(
        label="Kreise",
        required=False,
        queryset=county_queryset(),
        widget=county_widget(),
        help_text="Optional: Kreise, in denen Partner gesucht oder Leistungen angeboten "
        "werden, nach Ländern geordnet.",
        error_messages={
            "invalid_choice": "Unbekannter Kreis: %(value)s.",
            "invalid_pk_value": "Unbekannter Kreis: %(pk)s.",
        },
    )
    expires_on = forms.DateField(
        label="Gültig bis",
        input_formats=GERMAN_DATE_FORMATS,
        widget=DateInput(),
        validators=[validate_expiry],
        help_text="Höchstens zwölf Monate ab heute.",
        error_messages={"invalid": "Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."},
    )

    class Meta:
        model = BoerseEntry
        fields = [
            "kind",
            "title",
            "description",
            "task_areas",
            "region_radius_km",
            "region_counties",
            "expires_on",
        ]
        widgets = {
            "kind": forms.RadioSelect,
            "description": forms.Textarea(attrs={"rows": 10}),
        }
        labels = {"kind": "Art des Eintrags"}
        error_messages = {
            "description": {
                "max_length": "Die Beschreibung darf höchstens %(limit_value)d Zeichen haben "
                "(jetzt: %(show_value)d)."
            },
            "title": {
                "max_length": "Der Titel darf höchstens %(limit_value)d Zeichen haben "
                "(jetzt: %(show_value)d)."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = EntryKind.choices

    def clean(self):
        cleaned = super().clean()
        radius = cleaned.get("region_radius_km")
        counties = cleaned.get("region_counties")
        if (
            not self.has_error("region_radius_km")
            and not self.has_error("region_counties")
            and not radius
            and not counties
        ):
            raise forms.ValidationError(
                "Bitte einen Umkreis oder mindestens einen Kreis als Region angeben."
            )
        return cleaned


class RenewForm(forms.Form):
    expires_on = forms.DateField(
        label="Neues Ablaufdatum",
        input_formats=GERMAN_DATE_FORMATS,
        widget=DateInput(),
        validators=[validate_expiry],
        help_text="Höchstens zwölf Monate ab heute.",
        error_messages={"invalid": "Bitte ein gültiges Datum eingeben (TT.MM.JJJJ)."},
    )


class InterestForm(forms.ModelForm):
    class Meta:
        model = InterestMessage
        fields = ["message", "share_contact"]
        widgets = {"message": forms.Textarea(attrs={"rows": 8})}
        labels = {
            "message": "Ihre Nachricht",
            "share_contact": "Meine E-Mail-Adresse an die Kommune des Eintrags weitergeben",
        }
        help_texts = {
            "message": "Wird mit Ihrem Namen und Ihrer Kommune an die Kommune des Eintrags "
            "geschickt und ihr auf der Seite des Eintrags angezeigt.",
            "share_contact": "Ohne Häkchen sieht die Kommune Ihre E-Mail-Adresse nicht; nennen "
            "Sie dann in der Nachricht, wie man Sie erreicht.",
        }
        error_messages = {
            "message": {
                "required": "Bitte eine Nachricht schreiben.",
                "max_length": "Die Nachricht darf höchstens %(limit_value)d Zeichen haben "
                "(jetzt: %(show_value)d).",
            }
        }


class ModerationForm(forms.Form):
    DECISIONS = [("freigeben", "Freigeben"), ("ablehnen", "Ablehnen")]

    decision = forms.ChoiceField(
        label="Entscheidung",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Bitte freigeben oder ablehnen."},
    )
    note = forms.CharField(
        label="Hinweis an die Kommune",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Bei einer Ablehnung erforderlich; wird der Kommune per E-Mail mitgeteilt.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "ablehnen" and not cleaned.get("note", "").strip():
            self.add_error("note", "Bitte begründen Sie die Ablehnung.")
        return cleaned


class FilterForm(forms.Form):
    """The GET filters of the public list; unknown values are errors (400), not 500s."""

    art = forms.ChoiceField(
        label="Art", required=False, choices=[("", "Alle")] + list(EntryKind.choices)
    )
    aufgabe = IdChoiceField(
        label="Aufgabenbereich",
        required=False,
        queryset=TaskArea.objects.select_related("parent__parent").order_by(
            "parent__parent__sort_order", "parent__sort_order", "sort_order", "name"
        ),
        to_field_name="slug",
        empty_label="Alle",
        error_messages={"invalid_choice": "Unbekannter Aufgabenbereich."},
    )
    land = IdChoiceField(
        label="Land",
        required=False,
        queryset=State.objects.order_by("name"),
        to_field_name="key",
        empty_label="Alle Länder",
        error_messages={"invalid_choice": "Unbekanntes Land."},
    )
    kreis = CountySelectField(
        label="Kreis",
        required=False,
        queryset=County.objects.select_related("state").order_by("state__name", "display_name"),
        to_field_name="key",
        empty_label="Alle Kreise",
        error_messages={"invalid_choice": "Unbekannter Kreis."},
    )
