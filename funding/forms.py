"""The Förder-Check form: GET parameters in, a check.CheckInput out (German number input)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

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
                f"„{self.label}“ ist zu groß (höchstens {self.maximum:,}).".replace(",", "."),
                code="max_value",
            )
        return number


class CountField(forms.IntegerField):
    def __init__(self, **kwargs):
        super().__init__(
            min_value=0,
            max_value=MAX_PARTNERS,
            error_messages={
                "invalid": "Bitte eine ganze Zahl angeben, zum Beispiel „2“.",
                "min_value": "Die Zahl darf nicht negativ sein.",
                "max_value": f"Höchstens {MAX_PARTNERS:,} Partner.".replace(",", "."),
                "required": "Bitte die Zahl der Partner angeben (0, wenn keine).",
            },
            **kwargs,
        )


class FundingCheckForm(forms.Form):
    nrw = CountField(label="Partner in NRW")
    extern = CountField(label="Partner außerhalb von NRW oder im Ausland", required=False)
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
