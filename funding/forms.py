"""The Förder-Check form: GET parameters in, a check.CheckInput out (German number input)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from kooperationsatlas.numbers import de_number
from register.lookup import find_places
from register.models import Municipality

from .check import CheckInput

MAX_PARTNERS = 1000
MAX_EUR = Decimal(10) ** 12
MAX_YEARS = Decimal(100)
THOUSANDS = re.compile(r"^\d{1,3}(\.\d{3})+$")
PLAIN = re.compile(r"^\d+([.,]\d+)?$")

PARAMS = (
    "nrw",
    "extern",
    "kosten",
    "beantragt",
    "laufzeit",
    "einsparung",
    "verbesserung",
    "begruendung",
    "vor_beginn",
)


def parse_german_decimal(text, *, thousands):
    """ "1.000.000,50" / "1000000.5" / "4,9" -> Decimal; None for empty; ValueError if bad.

    With ``thousands`` (amounts in EUR) a dot followed by groups of three digits is a
    thousands separator ("175.000"); otherwise a single dot is a decimal point ("4.9").
    """
    text = (text or "").strip().replace(" ", "").replace("\u00a0", "").removesuffix("€")
    text = text.removesuffix("%").removesuffix("EUR").strip()
    if not text:
        return None
    if text.startswith("-"):
        raise ValueError("negative")
    if "," in text:
        head, _, tail = text.rpartition(",")
        if thousands and THOUSANDS.match(head):
            head = head.replace(".", "")
        text = f"{head}.{tail}"
    elif thousands and THOUSANDS.match(text):
        text = text.replace(".", "")
    if not PLAIN.match(text):
        raise ValueError("not a number")
    try:
        return Decimal(text)
    except InvalidOperation as error:  # pragma: no cover - the pattern rules it out
        raise ValueError("not a number") from error


class GermanDecimalField(forms.Field):
    """A number typed the German way; the error names the field and gives an example."""

    def __init__(self, *, maximum, unit, thousands=False, **kwargs):
        super().__init__(**kwargs)
        self.maximum = maximum
        self.unit = unit
        self.thousands = thousands

    def to_python(self, value):
        text = str(value or "").strip()
        if len(text) > 30:
            raise forms.ValidationError(f"„{self.label}“ ist zu lang.", code="max_length")
        try:
            number = parse_german_decimal(text, thousands=self.thousands)
        except ValueError:
            if text.strip().startswith("-"):
                raise forms.ValidationError(
                    f"„{self.label}“ darf nicht negativ sein.", code="negative"
                ) from None
            raise forms.ValidationError(
                f"„{self.label}“ muss eine Zahl sein, zum Beispiel „{self.unit}“.",
                code="invalid",
            ) from None
        if number is not None and number > self.maximum:
            raise forms.ValidationError(
                f"„{self.label}“ ist zu groß (höchstens {de_number(self.maximum)}).",
                code="max_value",
            )
        return number


NRW = "05"
NAME_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\s+und\s+)\s*")
MAX_NAMES_LENGTH = 2000


def _place(body):
    """ "Lippstadt (Kreis Soest, Nordrhein-Westfalen, AGS 05974028)"."""
    if isinstance(body, Municipality):
        county = "" if body.county.display_name == body.name else f"{body.county.display_name}, "
        return f"{body.name} ({county}{body.state.name}, AGS {body.ags})"
    return f"{body.display_name} ({body.state.name}, Kreisschlüssel {body.key})"


def resolve_partner(name, *, in_nrw):
    """The municipality or Kreis a typed name (or AGS / Kreis key) means, in NRW or outside.

    Raises ValidationError with a German reason: unknown, ambiguous, or on the wrong side of
    the NRW border. A municipality wins over a Kreis of the same name ("Soest" is the town;
    the Kreis is "Kreis Soest")."""
    where = "in Nordrhein-Westfalen" if in_nrw else "außerhalb von Nordrhein-Westfalen"
    places = find_places(name)
    found = places.municipalities or places.counties
    if not found:
        raise forms.ValidationError(
            f"„{name}“ steht nicht im Gemeindeverzeichnis. Bitte den genauen Namen einer "
            "Gemeinde oder eines Kreises angeben (z. B. „Erwitte“ oder „Kreis Soest“) oder "
            "die Zahl der Partner."
        )
    matching = [body for body in found if (body.state.key == NRW) == in_nrw]
    if not matching:
        other = "außerhalb von NRW" if in_nrw else "in NRW"
        raise forms.ValidationError(
            f"„{name}“ liegt {other} ({_place(found[0])}); hier zählen nur Partner {where}."
        )
    if len(matching) > 1:
        choices = "; ".join(_place(body) for body in matching[:4])
        raise forms.ValidationError(
            f"„{name}“ gibt es {where} mehrmals: {choices}. Bitte den Gemeindeschlüssel "
            "(AGS) statt des Namens angeben."
        )
    return matching[0]


class PartnerCountField(forms.Field):
    """The number of partners, or their names (comma-separated) looked up in the register.

    ``clean`` returns the count; the partners a list of names resolved to are kept in
    ``form.partners[field name]`` so the result can name them."""

    def __init__(self, *, in_nrw, **kwargs):
        super().__init__(**kwargs)
        self.in_nrw = in_nrw

    def to_python(self, value):
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > MAX_NAMES_LENGTH:
            raise forms.ValidationError(f"„{self.label}“ ist zu lang.", code="max_length")
        if re.fullmatch(r"-\s*\d+", text):
            raise forms.ValidationError("Die Zahl darf nicht negativ sein.", code="min_value")
        # Digits are a count, except 5 or 8 of them: a Kreis key or an AGS.
        if re.fullmatch(r"\d+", text) and len(text) not in (5, 8):
            number = int(text)
            if number > MAX_PARTNERS:
                raise forms.ValidationError(
                    f"Höchstens {de_number(MAX_PARTNERS)} Partner.", code="max_value"
                )
            return number
        names = [name for name in NAME_SEPARATORS.split(text) if name]
        errors, bodies = [], []
        for name in names:
            try:
                body = resolve_partner(name, in_nrw=self.in_nrw)
            except forms.ValidationError as error:
                errors.extend(error.messages)
            else:
                if body not in bodies:
                    bodies.append(body)
        if errors:
            raise forms.ValidationError(errors, code="unknown_partner")
        return bodies


PARTNERS_REQUIRED = "Bitte die Zahl der Partner oder ihre Namen angeben (0, wenn keine)."


class FundingCheckForm(forms.Form):
    nrw = PartnerCountField(
        label="Partner in NRW",
        in_nrw=True,
        error_messages={"required": PARTNERS_REQUIRED},
    )
    extern = PartnerCountField(
        label="Partner außerhalb von NRW oder im Ausland", in_nrw=False, required=False
    )
    kosten = GermanDecimalField(
        label="Förderfähige Kosten in EUR", maximum=MAX_EUR, unit="250.000", thousands=True
    )
    beantragt = GermanDecimalField(
        label="Beantragte Förderung in EUR",
        maximum=MAX_EUR,
        unit="150.000",
        thousands=True,
        required=False,
    )
    laufzeit = GermanDecimalField(label="Laufzeit in Jahren", maximum=MAX_YEARS, unit="5,5")
    einsparung = GermanDecimalField(
        label="Erwartete Einsparung in %", maximum=Decimal(100), unit="15", required=False
    )
    verbesserung = forms.BooleanField(label="Wesentliche Leistungsverbesserung", required=False)
    begruendung = forms.CharField(
        label="Worin besteht die Leistungsverbesserung?", required=False, max_length=1000
    )
    vor_beginn = forms.ChoiceField(
        label="Wird der Antrag vor Projektbeginn gestellt?",
        choices=[("ja", "Ja"), ("nein", "Nein")],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Bitte angeben, ob der Antrag vor Projektbeginn gestellt wird.",
            "invalid_choice": "Bitte „Ja“ oder „Nein“ wählen.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kosten"].error_messages["required"] = (
            "Bitte die förderfähigen Kosten in EUR angeben."
        )
        self.fields["laufzeit"].error_messages["required"] = (
            "Bitte die Laufzeit der Zusammenarbeit in Jahren angeben."
        )

    def clean(self):
        data = super().clean()
        # Names become a count; which partners they are is kept for the result.
        self.partners = {}
        for name in ("nrw", "extern"):
            value = data.get(name)
            if isinstance(value, list):
                self.partners[name] = value
                data[name] = len(value)
        if data.get("verbesserung") and not (data.get("begruendung") or "").strip():
            self.add_error(
                "begruendung",
                "Bitte kurz begründen, worin die wesentliche Leistungsverbesserung besteht.",
            )
        if (
            not data.get("verbesserung")
            and data.get("einsparung") is None
            and "einsparung" not in self.errors
        ):
            self.add_error(
                "einsparung",
                "Bitte die erwartete Einsparung in % angeben oder eine wesentliche "
                "Leistungsverbesserung ankreuzen.",
            )
        return data

    def check_input(self):
        data = self.cleaned_data
        return CheckInput(
            partners_nrw=data["nrw"],
            partners_other=data.get("extern") or 0,
            eligible_costs=data["kosten"],
            requested_grant=data.get("beantragt"),
            duration_years=data["laufzeit"],
            savings_percent=data.get("einsparung"),
            service_improvement=bool(data.get("verbesserung")),
            service_improvement_reason=(data.get("begruendung") or "").strip(),
            applied_before_start=data["vor_beginn"] == "ja",
        )
