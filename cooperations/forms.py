"""The form a partner uses to complete its profile (``cooperations/proposals.py``)."""

import re
from decimal import Decimal, InvalidOperation

from django import forms

from .models import SECTIONS, FigureKind

NOT_A_NUMBER = "Bitte eine Zahl angeben, z. B. 135.000 oder 2,5."
TEXT_HELP = {
    "occasion": "Warum die Kooperation entstand.",
    "goal": "Was sie erreichen soll.",
    "implementation": "Wie sie organisiert ist: Sitz, Personal, wer was macht, Grundlage.",
    "results": "Was sie bisher gebracht hat.",
    "success_factors": "Was geholfen hat.",
    "pitfalls": "Was schwierig war.",
}


class ProposalForm(forms.Form):
    source_url = forms.URLField(
        assume_scheme="https",
        label="Öffentliche Quelle zu Ihren Texten (Adresse, freiwillig)",
        required=False,
        max_length=1000,
        help_text="Ohne Quelle gelten die Texte als Angaben Ihrer Kommune.",
    )
    source_title = forms.CharField(label="Titel dieser Quelle", required=False, max_length=400)

    figure_kind = forms.ChoiceField(
        label="Art der Kennzahl", choices=[("", "–")] + FigureKind.choices, required=False
    )
    figure_label = forms.CharField(label="Bezeichnung", required=False, max_length=300)
    figure_value = forms.CharField(
        label="Wert", required=False, max_length=30, help_text="z. B. 135.000 oder 2,5"
    )
    figure_unit = forms.CharField(
        label="Einheit", required=False, max_length=50, help_text="z. B. EUR, %, VZÄ"
    )
    figure_year = forms.IntegerField(
        label="Bezugsjahr", required=False, min_value=1900, max_value=2100
    )
    figure_source_url = forms.URLField(
        assume_scheme="https",
        label="Quelle der Kennzahl (Adresse)",
        required=False,
        max_length=1000,
    )
    figure_source_title = forms.CharField(
        label="Titel der Quelle der Kennzahl", required=False, max_length=400
    )

    contact_name = forms.CharField(label="Name", required=False, max_length=200)
    contact_function = forms.CharField(label="Funktion", required=False, max_length=200)
    contact_email = forms.EmailField(label="E-Mail", required=False)
    contact_phone = forms.CharField(label="Telefon", required=False, max_length=50)
    contact_consent = forms.BooleanField(
        label="Die Person ist mit der öffentlichen Anzeige ihrer Kontaktdaten einverstanden.",
        required=False,
    )

    FIGURE_FIELDS = ("figure_kind", "figure_label", "figure_value", "figure_unit")
    FIGURE_SOURCE_FIELDS = ("figure_source_url", "figure_source_title")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        texts = {
            name: forms.CharField(
                label=heading,
                required=False,
                max_length=5000,
                widget=forms.Textarea(attrs={"rows": 5}),
                help_text=TEXT_HELP[name],
            )
            for name, heading in SECTIONS
        }
        self.fields = {**texts, **self.fields}

    def clean_figure_value(self):
        """A number as written in German ("135.000", "2,5") or plainly ("2.5")."""
        text = self.cleaned_data["figure_value"].strip().replace(" ", "")
        if not text:
            return None
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        elif re.fullmatch(r"\d{1,3}(\.\d{3})+", text):
            text = text.replace(".", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(
                "Bitte eine Zahl angeben, z. B. 135.000 oder 2,5."
            ) from None
        if not value.is_finite() or abs(value) >= Decimal("1e14"):
            raise forms.ValidationError(NOT_A_NUMBER)
        return value.quantize(Decimal("0.01"))

    def clean(self):
        data = super().clean()
        figure_given = any(data.get(name) not in (None, "") for name in self.FIGURE_FIELDS)
        if figure_given:
            for name in self.FIGURE_FIELDS + self.FIGURE_SOURCE_FIELDS:
                if data.get(name) in (None, "") and name not in self.errors:
                    self.add_error(
                        name,
                        "Für eine Kennzahl bitte Art, Bezeichnung, Wert, Einheit und "
                        "ihre Quelle (Adresse und Titel) angeben.",
                    )
        if data.get("contact_name") and not data.get("contact_consent"):
            self.add_error(
                "contact_consent",
                "Eine Ansprechperson nur mit ihrer Einwilligung in die Anzeige angeben.",
            )
        if not data.get("contact_name") and any(
            data.get(name) for name in ("contact_email", "contact_phone", "contact_function")
        ):
            self.add_error("contact_name", "Bitte den Namen der Ansprechperson angeben.")
        return data

    def has_proposal(self, initial):
        """Whether the valid form changes anything compared with ``initial``."""
        data = self.cleaned_data
        texts = any((data.get(name) or "").strip() != initial.get(name, "") for name, _ in SECTIONS)
        return texts or bool(data.get("figure_label")) or bool(data.get("contact_name"))
