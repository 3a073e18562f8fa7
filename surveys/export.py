"""The raw answers of a campaign for its coordinator: one row per body and task area.

Only submitted responses are exported (a draft is not an answer yet). Text typed by
respondents may start with "=", "+", "-" or "@"; spreadsheet programs would run it as a
formula, so such cells get a leading apostrophe.
"""

import csv
import io

from django.utils import timezone

from .models import Response, TaskAnswer

COLUMNS = [
    "Erhebung",
    "Art",
    "Schlüssel",
    "Name",
    "Kreis",
    "Regierungsbezirk",
    "Abgesendet am",
    "Über Einladung",
    "Aufgabenbereich (Kürzel)",
    "Aufgabenbereich",
    "Antwort (Code)",
    "Antwort",
    "Partner (Schlüssel)",
    "Partner",
    "Beteiligte außerhalb des Registers",
    "Rechtsform",
    "Seit",
    "Dienstleistungszentrum",
    "Digitalisierung",
    "Personalmangel",
    "Interesse an Zusammenarbeit",
    "Anmerkungen",
]
LIST_SEPARATOR = " | "
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe(value):
    """A cell value that no spreadsheet program evaluates."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _body_columns(response):
    if response.municipality_id:
        municipality = response.municipality
        district = municipality.district
        return [
            "Gemeinde",
            municipality.ags,
            municipality.name,
            municipality.county.display_name,
            district.short_name if district else "",
        ]
    county = response.county
    return [
        "Kreis",
        county.key,
        county.display_name,
        county.display_name,
        county.district.short_name if county.district else "",
    ]


def rows(campaign):
    """The table's rows (lists of cells, not yet made safe), ordered by body and task area."""
    responses = (
        Response.objects.submitted()
        .filter(campaign=campaign)
        .select_related("municipality__county", "municipality__district", "county__district")
        .prefetch_related(
            "answers__task_area__parent",
            "answers__legal_form__parent",
            "answers__partner_municipalities",
            "answers__partner_counties",
        )
        .order_by("municipality__ags", "county__key")
    )
    ssc = {True: "ja", False: "nein", None: ""}
    for response in responses:
        head = [campaign.title, *_body_columns(response)]
        submitted = timezone.localtime(response.submitted_at).strftime("%Y-%m-%d %H:%M")
        tail = [
            response.get_digitalisation_display() if response.digitalisation else "",
            response.get_staff_shortage_display() if response.staff_shortage else "",
            response.get_cooperation_interest_display() if response.cooperation_interest else "",
            response.remarks,
        ]
        answers = sorted(response.answers.all(), key=lambda a: (str(a.task_area), a.pk))
        for answer in answers:
            partners = [*answer.partner_municipalities.all(), *answer.partner_counties.all()]
            keys = [getattr(p, "ags", None) or p.key for p in partners]
            names = [getattr(p, "display_name", None) or p.name for p in partners]
            yield [
                *head,
                submitted,
                "ja" if response.invitation_id else "nein",
                answer.task_area.slug,
                str(answer.task_area),
                answer.status,
                TaskAnswer.Status(answer.status).label if answer.status else "",
                LIST_SEPARATOR.join(keys),
                LIST_SEPARATOR.join(names),
                answer.other_partners,
                str(answer.legal_form) if answer.legal_form else "",
                answer.since_year,
                ssc[answer.shared_service_centre],
                *tail,
            ]


def as_csv(campaign):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # BOM: Excel reads UTF-8 correctly
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(campaign):
        writer.writerow([safe(cell) for cell in row])
    return buffer.getvalue()


def as_xlsx(campaign):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Antworten"
    sheet.append(COLUMNS)
    for row in rows(campaign):
        sheet.append([safe(cell) for cell in row])
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
