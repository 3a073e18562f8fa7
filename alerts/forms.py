"""The form for a saved partner search."""

from django import forms
from django.db import transaction

from kooperationsatlas.ids import IdMultipleChoiceField
from kooperationsatlas.widgets import (
    county_queryset,
    county_widget,
    task_area_queryset,
    task_area_widget,
)
from register.constants import MAX_RADIUS_KM
from register.lookup import find_places
from search.analysis import query_clauses

from .models import SavedSearch

MAX_CANDIDATES = 10


def municipality_label(municipality):
    """How a municipality is written back into the form; resolves to itself again."""
    return f"{municipality.name} ({municipality.county.display_name})"


class SavedSearchForm(forms.ModelForm):
    ort = forms.CharField(
        label="Umkreis um Gemeinde",
        required=False,
        max_length=200,
        help_text="Name oder achtstelliger Gemeindeschlüssel (AGS), z. B. „Erwitte“ oder 05974016.",
    )
    radius_km = forms.IntegerField(
        label="Umkreis (km)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        help_text=f"1 bis {MAX_RADIUS_KM} km um den Mittelpunkt der Gemeinde.",
    )
    task_areas = IdMultipleChoiceField(
        label="Aufgabenbereiche",
        queryset=task_area_queryset(),
        required=False,
        widget=task_area_widget(),
        help_text="Ein ganzer Bereich schließt alle Aufgaben darunter ein.",
    )
    counties = IdMultipleChoiceField(
        label="Kreise",
        queryset=county_queryset(),
        required=False,
        widget=county_widget(),
        help_text="Nach Ländern geordnet.",
    )

    class Meta:
        model = SavedSearch
        fields = [
            "name",
            "text",
            "task_areas",
            "radius_km",
            "counties",
            "include_profiles",
            "include_offers",
            "include_requests",
            "active",
        ]
        labels = {"text": "Suchbegriff"}
        help_texts = {
            "name": "Zum Beispiel „Standesamt im Kreis Soest“.",
            "text": "Alle Wörter müssen vorkommen, wie in der Suche (z. B. „Standesamt“).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.municipality = None
        self.place_candidates = []
        municipality = self.instance.near_municipality if self.instance.pk else None
        if municipality is not None and not self.is_bound:
            self.initial["ort"] = municipality_label(municipality)

    # --- validation ---------------------------------------------------------------------

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Bitte einen Namen angeben.")
        return name

    def clean_text(self):
        text = " ".join(self.cleaned_data.get("text", "").split())
        if text and not query_clauses(text):
            raise forms.ValidationError("Der Suchbegriff enthält keine Wörter.")
        return text

    def clean_ort(self):
        text = " ".join(self.cleaned_data.get("ort", "").split())
        if text:
            self.municipality = self._resolve(text)
        return text

    def _resolve(self, text):
        places = find_places(text, counties=False, limit=MAX_CANDIDATES)
        matches = places.municipalities
        if not matches:
            if places.by_key:
                raise forms.ValidationError(
                    f"Es gibt keine Gemeinde mit dem Gemeindeschlüssel {text}."
                )
            raise forms.ValidationError(
                f"Keine Gemeinde namens „{text}“ gefunden. Bitte den Namen prüfen oder den "
                "achtstelligen Gemeindeschlüssel (AGS) angeben."
            )
        if len(matches) > 1:
            self.place_candidates = matches[:MAX_CANDIDATES]
            raise forms.ValidationError(
                f"Es gibt mehrere Gemeinden namens „{text}“. Bitte den Gemeindeschlüssel (AGS) "
                "angeben oder den Kreis in Klammern ergänzen, z. B. „"
                f"{municipality_label(matches[0])}“."
            )
        municipality = matches[0]
        if municipality.latitude is None or municipality.longitude is None:
            raise forms.ValidationError(
                f"Für {municipality.name} ist kein Mittelpunkt bekannt; bitte eine "
                "Nachbargemeinde wählen."
            )
        return municipality

    def clean(self):
        cleaned = super().clean()
        ort, radius = cleaned.get("ort"), cleaned.get("radius_km")
        if ort and radius is None and "radius_km" not in self.errors and self.municipality:
            self.add_error("radius_km", "Bitte den Umkreis in km angeben (1 bis 300).")
        if radius is not None and not ort and "ort" not in self.errors:
            self.add_error("ort", "Bitte die Gemeinde angeben, um die der Umkreis gilt.")
        if not any(
            cleaned.get(flag) for flag in ("include_profiles", "include_offers", "include_requests")
        ):
            self.add_error(
                None, "Bitte mindestens eines wählen: Steckbriefe, Angebote oder Gesuche."
            )
        has_criterion = (
            cleaned.get("text")
            or cleaned.get("task_areas")
            or cleaned.get("counties")
            or ort
            or radius is not None
            or self.errors  # a broken field already says what is wrong
        )
        if not has_criterion:
            self.add_error(
                None,
                "Bitte mindestens ein Kriterium angeben: Aufgabenbereich, Region (Gemeinde mit "
                "Umkreis oder Kreis) oder Suchbegriff. Eine leere Suche würde zu allem passen.",
            )
        return cleaned

    def save(self, commit=True):
        instance = super().save(commit=False)
        instance.near_municipality = self.municipality
        if self.municipality is None:
            instance.radius_km = None
        if commit:
            # One transaction: a saved search is never stored without its task areas and
            # Kreise (a concurrent writer could otherwise fail the second step).
            with transaction.atomic():
                instance.save()
                self.save_m2m()
        return instance
