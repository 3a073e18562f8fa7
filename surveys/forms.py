"""The questionnaire: one TaskAnswerForm per task area (prefixed) and the extra questions.

Works without JavaScript: the fields for "gemeinsam" are always in the page (a script only
hides them while another answer is chosen) and are ignored unless "gemeinsam" is chosen.
Partners are ticked among the neighbours or typed one per line (AGS, Kreisschlüssel or exact
name, resolved like the partners of a report).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from cooperations.taxonomy import LegalForm
from kooperationsatlas.ids import IdChoiceField
from register.models import County, Municipality
from reports.forms import resolve_register_bodies

from .models import Response, TaskAnswer

MIN_YEAR = 1900
MAX_PARTNER_LINES = 50
SSC_CHOICES = [("ja", "Ja"), ("nein", "Nein"), ("", "Weiß nicht / keine Angabe")]


def neighbour_choices(*, municipality=None, county=None):
    """Grouped checkbox choices ("m<pk>" / "c<pk>") of the bodies next to this one:
    a municipality's neighbours and its Kreis; a Kreis's neighbouring Kreise and its
    municipalities."""
    groups = []
    if municipality is not None:
        neighbours = municipality.neighbours.select_related("county").order_by("name")
        if neighbours:
            groups.append(
                ("Nachbargemeinden", [(f"m{m.pk}", m.name) for m in neighbours])
            )
        if not municipality.county.is_kreisfreie_stadt:
            groups.append(("Kreis", [(f"c{municipality.county_id}", str(municipality.county))]))
    elif county is not None:
        nearby = (
            County.objects.filter(municipalities__borders__neighbour__county=county)
            .exclude(pk=county.pk)
            .distinct()
            .order_by("display_name")
        )
        if nearby:
            choices = [(f"c{c.pk}", str(c)) for c in nearby]
            groups.append(("Nachbarkreise und kreisfreie Städte", choices))
        own = county.municipalities.order_by("name")
        groups.append(("Gemeinden im Kreis", [(f"m{m.pk}", m.name) for m in own]))
    return groups


def body_line(body):
    """One line of the partner text field for a register body."""
    if isinstance(body, Municipality):
        return f"{body.ags} {body.name}"
    return f"{body.key} {body.display_name}"


class TaskAnswerForm(forms.Form):
    """One task area. ``submitting``: an answer is required (a draft may leave it open)."""

    status = forms.ChoiceField(
        label="Wie erledigen Sie diese Aufgabe?",
        choices=TaskAnswer.Status.choices,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Bitte eine der Antworten wählen."},
    )
    neighbours = forms.MultipleChoiceField(
        label="Partner in der Nachbarschaft",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Unbekannter Partner: %(value)s."},
    )
    partners = forms.CharField(
        label="Weitere Partner aus dem Register",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Eine Gemeinde oder ein Kreis pro Zeile: Gemeindeschlüssel (AGS, 8 Ziffern), "
        "Kreisschlüssel (5 Ziffern) oder genauer Name, z. B. „05974016 Erwitte“.",
    )
    other_partners = forms.CharField(
        label="Beteiligte außerhalb des Registers",
        max_length=500,
        required=False,
        help_text="Optional, z. B. ein kommunaler IT-Dienstleister.",
        error_messages={"max_length": "Höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."},
    )
    legal_form = IdChoiceField(
        label="Rechtsform",
        queryset=LegalForm.objects.select_related("parent").order_by(
            "parent__sort_order", "sort_order", "name"
        ),
        required=False,
        empty_label="nicht bekannt",
        error_messages={"invalid_choice": "Unbekannte Rechtsform."},
    )
    since_year = forms.CharField(
        label="Seit (Jahr)",
        required=False,
        widget=forms.TextInput(attrs={"maxlength": 4}),
    )
    shared_service_centre = forms.ChoiceField(
        label="Als Dienstleistungszentrum (DLZ) organisiert?",
        choices=SSC_CHOICES,
        widget=forms.RadioSelect,
        required=False,
        error_messages={"invalid_choice": "Bitte „Ja“, „Nein“ oder „Weiß nicht“ wählen."},
    )

    def __init__(self, *args, area, neighbours=(), own=None, submitting=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.area = area
        self.own = own  # ("m"|"c", pk) of the answering body: not its own partner
        self.submitting = submitting
        self.fields["neighbours"].choices = neighbours
        self.max_year = timezone.localdate().year
        self.fields["since_year"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "size": 4}
        )
        self.fields["since_year"].help_text = f"Optional, z. B. {self.max_year - 5}."

    @property
    def legend(self):
        return str(self.area)

    def joint_chosen(self):
        """Whether "gemeinsam" was chosen: only then are the partner fields read."""
        return self.data.get(self.add_prefix("status")) == TaskAnswer.Status.JOINT

    def clean_since_year(self):
        text = self.cleaned_data.get("since_year", "").strip()
        if not self.joint_chosen() or not text:
            return None
        if not (text.isascii() and text.isdigit()):
            raise ValidationError("Bitte eine Jahreszahl mit vier Ziffern eingeben.")
        year = int(text)
        if not MIN_YEAR <= year <= self.max_year:
            raise ValidationError(
                f"Das Jahr muss zwischen {MIN_YEAR} und {self.max_year} liegen."
            )
        return year

    def clean_partners(self):
        if not self.joint_chosen():
            return []
        return resolve_register_bodies(self.cleaned_data["partners"], MAX_PARTNER_LINES)

    def clean_shared_service_centre(self):
        return {"ja": True, "nein": False}.get(self.cleaned_data["shared_service_centre"])

    def clean(self):
        cleaned = super().clean()
        status = cleaned.get("status")
        if self.submitting and not status and not self.has_error("status"):
            self.add_error("status", "Bitte eine Antwort wählen.")
        municipalities, counties = set(), set()
        for value in cleaned.get("neighbours", []):
            (municipalities if value[0] == "m" else counties).add(int(value[1:]))
        for partner in cleaned.get("partners", []):
            if partner.municipality is not None:
                municipalities.add(partner.municipality.pk)
            else:
                counties.add(partner.county.pk)
        if self.own is not None:
            (municipalities if self.own[0] == "m" else counties).discard(self.own[1])
        cleaned["partner_municipalities"] = list(Municipality.objects.filter(pk__in=municipalities))
        cleaned["partner_counties"] = list(County.objects.filter(pk__in=counties))
        joint = status == TaskAnswer.Status.JOINT
        has_partner = municipalities or counties or cleaned.get("other_partners")
        if self.submitting and joint and not has_partner and not self.has_error("partners"):
            self.add_error(
                "partners",
                "Bitte mindestens einen Partner angeben: ankreuzen, hier eintragen oder "
                "unter „Beteiligte außerhalb des Registers“.",
            )
        return cleaned

    @classmethod
    def initial_from(cls, answer, neighbour_values):
        """Initial data from a saved TaskAnswer: ticked neighbours, the rest as lines."""
        if answer is None:
            return {}
        ticked, lines = [], []
        for municipality in answer.partner_municipalities.all():
            value = f"m{municipality.pk}"
            if value in neighbour_values:
                ticked.append(value)
            else:
                lines.append(body_line(municipality))
        for county in answer.partner_counties.all():
            value = f"c{county.pk}"
            if value in neighbour_values:
                ticked.append(value)
            else:
                lines.append(body_line(county))
        ssc = {True: "ja", False: "nein"}.get(answer.shared_service_centre, "")
        return {
            "status": answer.status,
            "neighbours": ticked,
            "partners": "\n".join(lines),
            "other_partners": answer.other_partners,
            "legal_form": answer.legal_form_id,
            "since_year": answer.since_year,
            "shared_service_centre": ssc,
        }


class ExtraQuestionsForm(forms.Form):
    """The campaign's optional questions (only those it asks) and remarks."""

    digitalisation = forms.ChoiceField(
        label="Wie weit ist die Digitalisierung Ihrer Verwaltung?",
        choices=Response.Digitalisation.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    staff_shortage = forms.ChoiceField(
        label="Haben Sie Personalmangel?",
        choices=Response.StaffShortage.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    cooperation_interest = forms.ChoiceField(
        label="Haben Sie allgemein Interesse an (weiterer) interkommunaler Zusammenarbeit?",
        choices=Response.Interest.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    interest_public = forms.BooleanField(
        label=Response._meta.get_field("interest_public").verbose_name,
        help_text=Response._meta.get_field("interest_public").help_text,
        required=False,
    )
    remarks = forms.CharField(
        label="Anmerkungen",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=2000,
        required=False,
        help_text="Optional, höchstens 2000 Zeichen.",
        error_messages={"max_length": "Höchstens %(limit_value)d Zeichen (jetzt: %(show_value)d)."},
    )

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        asked = {
            "digitalisation": campaign.ask_digitalisation,
            "staff_shortage": campaign.ask_staff_shortage,
            "cooperation_interest": campaign.ask_cooperation_interest,
        }
        for name, is_asked in asked.items():
            if not is_asked:
                del self.fields[name]
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = "Bitte eine der Antworten wählen."
