"""The inputs of the partner search, shared by the page and the JSON endpoint (both GET)."""

from dataclasses import dataclass

from django import forms

from cooperations.models import TaskArea
from cooperations.taxonomy import find_term
from register import lookup
from register.constants import MAX_RADIUS_KM

from . import score

PLACE = "q"
AREAS = "aufgabe"
RADIUS = "umkreis"
LIMIT = "anzahl"
SORT = "sortierung"
SORT_CHOICES = [
    (score.SORT_SCORE, "nach Punktzahl (beste zuerst)"),
    (score.SORT_DISTANCE, "nach Entfernung (nächste zuerst)"),
]
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
MAX_CANDIDATES = 20
MAX_AREAS = 10
# German parameter names for the weights: ?gewicht_entfernung=2
WEIGHT_PARAMS = {
    "distance": "gewicht_entfernung",
    "border": "gewicht_grenze",
    "region": "gewicht_region",
    "size": "gewicht_groesse",
    "kind": "gewicht_art",
    "ties": "gewicht_zusammenarbeit",
    "experience": "gewicht_erfahrung",
    "boerse": "gewicht_boerse",
    "survey": "gewicht_erhebung",
}



@dataclass(frozen=True)
class Place:
    """A resolved or candidate body: a municipality (8-digit AGS) or a Kreis (5-digit key)."""

    key: str
    name: str
    detail: str  # "Gemeinde, Kreis Soest, Nordrhein-Westfalen"

    @property
    def label(self):
        return f"{self.name} ({self.detail})"


def municipality_place(m):
    if m.county.is_kreisfreie_stadt:
        return Place(m.ags, m.name, f"{m.get_kind_display()}, {m.state.name}")
    return Place(m.ags, m.name, f"{m.get_kind_display()}, {m.county.display_name}, {m.state.name}")


def county_place(c):
    if c.is_kreisfreie_stadt:
        # One body per kreisfreie Stadt: its municipality (same name, AGS = key + "000").
        m = c.municipalities.select_related("county", "state").first()
        if m is not None:
            return municipality_place(m)
    return Place(c.key, c.display_name, f"{c.get_kind_display()}, {c.state.name}")


def find_places(text, limit=MAX_CANDIDATES):
    """The places ``text`` names (``register.lookup``: key, exact or folded name, else
    names starting with it) and whether they matched exactly."""
    found = lookup.find_places(text, prefix=True, limit=limit).without_city_counties()
    places = [municipality_place(m) for m in found.municipalities]
    places += [county_place(c) for c in found.counties]
    return list(dict.fromkeys(places)), found.exact


def task_areas():
    """All task areas in the order of the form's checkboxes."""
    return list(TaskArea.objects.order_by("sort_order", "name"))


def _quoted(text):
    return f"„{text}“"


class TaskAreaField(forms.MultipleChoiceField):
    """Task areas by slug or by name ("standesamt" or "Standesamt"), cleaned to slugs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = []

    def to_python(self, value):
        slugs = []
        for text in super().to_python(value):
            area = find_term(self.areas, text)
            slugs.append(area.slug if area is not None else text)
        return slugs


class PartnerSearchForm(forms.Form):
    q = forms.CharField(
        label="Gemeinde oder Kreis (Name, Gemeindeschlüssel oder Kreisschlüssel)",
        max_length=200,
        error_messages={"required": "Bitte eine Gemeinde oder einen Kreis angeben."},
    )
    aufgabe = TaskAreaField(label="Aufgabenbereiche", required=False)
    umkreis = forms.FloatField(
        label=f"Umkreis in km (1 bis {MAX_RADIUS_KM}, ohne Angabe: ganz Deutschland)",
        required=False,
        min_value=1,
        max_value=MAX_RADIUS_KM,
        error_messages={
            "invalid": "Der Umkreis muss eine Zahl sein.",
            "min_value": "Der Umkreis muss mindestens 1 km betragen.",
            "max_value": f"Der Umkreis darf höchstens {MAX_RADIUS_KM} km betragen.",
        },
    )
    anzahl = forms.IntegerField(
        label=f"Anzahl Vorschläge (1 bis {MAX_LIMIT})",
        required=False,
        min_value=1,
        max_value=MAX_LIMIT,
        error_messages={
            "invalid": "Die Anzahl muss eine ganze Zahl sein.",
            "min_value": "Die Anzahl muss mindestens 1 sein.",
            "max_value": f"Es gibt höchstens {MAX_LIMIT} Vorschläge.",
        },
    )

    sortierung = forms.ChoiceField(
        label="Reihenfolge",
        required=False,
        choices=SORT_CHOICES,
        error_messages={
            "invalid_choice": "Unbekannte Reihenfolge „%(value)s“: erlaubt sind "
            + " und ".join(f"„{value}“" for value, _ in SORT_CHOICES)
            + "."
        },
    )

    def __init__(self, data=None, *args, areas=None, **kwargs):
        """``areas``: all task areas in display order, if the caller has them already."""
        super().__init__(data, *args, **kwargs)
        self.areas = list(task_areas() if areas is None else areas)
        self.fields[AREAS].choices = [(a.slug, a.name) for a in self.areas]
        self.fields[AREAS].areas = self.areas
        self.fields[AREAS].error_messages["invalid_choice"] = (
            "Unbekannter Aufgabenbereich: %(value)s."
        )
        for spec in score.COMPONENTS:
            self.fields[WEIGHT_PARAMS[spec.name]] = forms.FloatField(
                label=spec.label,
                help_text=spec.help,
                required=False,
                min_value=0,
                max_value=score.MAX_WEIGHT,
                widget=forms.TextInput(attrs={"placeholder": spec.default_weight}),
                error_messages={
                    "invalid": f"Das Gewicht „{spec.label}“ muss eine Zahl sein.",
                    "min_value": f"Das Gewicht „{spec.label}“ darf nicht negativ sein.",
                    "max_value": (
                        f"Das Gewicht „{spec.label}“ darf höchstens {score.MAX_WEIGHT:g} betragen."
                    ),
                },
            )
        self.place = None
        self.candidates = []

    def clean_q(self):
        text = " ".join(self.cleaned_data[PLACE].split())
        if not text:
            raise forms.ValidationError("Bitte eine Gemeinde oder einen Kreis angeben.")
        places, exact = find_places(text)
        if len(places) == 1:
            self.place = places[0]
            return text
        if not places:
            if lookup.AGS_RE.fullmatch(text):
                message = f"Es gibt keine Gemeinde mit dem Gemeindeschlüssel {text}."
            elif lookup.COUNTY_KEY_RE.fullmatch(text):
                message = f"Es gibt keinen Kreis mit dem Kreisschlüssel {text}."
            else:
                message = (
                    f"Keine Gemeinde und kein Kreis namens {_quoted(text)} gefunden. Bitte den "
                    "Namen prüfen oder den Gemeindeschlüssel (8 Ziffern) bzw. Kreisschlüssel "
                    "(5 Ziffern) angeben."
                )
            raise forms.ValidationError(message)
        self.candidates = places[:MAX_CANDIDATES]
        if exact:
            message = f"Der Name {_quoted(text)} ist mehrdeutig. "
        else:
            message = f"Mehrere Gemeinden oder Kreise beginnen mit {_quoted(text)}. "
        raise forms.ValidationError(message + "Bitte einen der Vorschläge auswählen.")

    def clean_aufgabe(self):
        slugs = list(dict.fromkeys(self.cleaned_data[AREAS]))
        if len(slugs) > MAX_AREAS:
            raise forms.ValidationError(f"Höchstens {MAX_AREAS} Aufgabenbereiche auswählen.")
        return slugs

    @property
    def selected_areas(self):
        slugs = set(self.cleaned_data.get(AREAS) or ())
        return [area for area in self.areas if area.slug in slugs]

    @property
    def weights(self):
        weights = {}
        for name, param in WEIGHT_PARAMS.items():
            value = self.cleaned_data.get(param)
            weights[name] = score.DEFAULT_WEIGHTS[name] if value is None else value
        return weights

    @property
    def radius_km(self):
        return self.cleaned_data.get(RADIUS)

    @property
    def sort(self):
        return self.cleaned_data.get(SORT) or score.SORT_SCORE

    @property
    def limit(self):
        return self.cleaned_data.get(LIMIT) or DEFAULT_LIMIT

    def error_dict(self):
        """{parameter: [messages]} for the JSON endpoint."""
        return {field: [str(e) for e in errors] for field, errors in self.errors.items()}
