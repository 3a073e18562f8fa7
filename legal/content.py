"""What the legal pages show from the settings, and which required details are missing."""

from dataclasses import dataclass

from .models import AccessibilityStatus, LegalKind

# Verified against the official pages (see docs/reports.md): the Ombudsstelle is assigned
# to the Landesbeauftragte für Menschen mit Behinderung and founded on §§ 10d, 10e BGG NRW
# and §§ 9 ff. BITV NRW.
OMBUDS_NAME = "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen"
OMBUDS_URL = "https://www.lbbp.nrw.de/ombudsstelle"
OMBUDS_TEXT = (
    "Wenn Sie über die Rückmeldung an uns keine zufriedenstellende Lösung erhalten, können "
    f"Sie sich an die {OMBUDS_NAME} wenden. Sie ist der oder dem Beauftragten der "
    "Landesregierung für die Belange der Menschen mit Behinderung zugeordnet und führt auf "
    "Antrag ein Ombudsverfahren durch (§§ 10d, 10e Behindertengleichstellungsgesetz NRW, "
    "§§ 9 ff. Barrierefreie-Informationstechnik-Verordnung NRW). Kontaktdaten und "
    "Antragsformular:"
)


@dataclass
class Fact:
    label: str
    value: str
    required: bool = True
    multiline: bool = False
    email: bool = False

    @property
    def missing(self):
        return not (self.value or "").strip()


def _imprint_facts(site, legal):
    return [
        Fact("Betreiber", site.operator),
        Fact("Anschrift", legal.address, multiline=True),
        Fact("Vertreten durch", legal.represented_by),
        Fact("E-Mail", site.contact_email, email=True),
        Fact("Telefon", legal.phone, required=False),
        Fact(
            "Verantwortlich für den Inhalt nach § 18 Abs. 2 MStV",
            legal.content_responsible,
            multiline=True,
        ),
        Fact("Umsatzsteuer-Identifikationsnummer (§ 27a UStG)", legal.vat_id, required=False),
        Fact(
            "Zuständige Aufsichtsbehörde",
            legal.supervisory_authority,
            required=False,
            multiline=True,
        ),
    ]


def _controller_facts(site, legal):
    return [
        Fact("Name", site.operator),
        Fact("Anschrift", legal.address, multiline=True),
        Fact("Vertreten durch", legal.represented_by),
        Fact("E-Mail", site.contact_email, email=True),
        Fact("Datenschutzbeauftragte Person", legal.data_protection_officer, multiline=True),
    ]


def legal_facts(kind, site, legal):
    """Template context for a legal page of ``kind``."""
    context = {"kind": kind, "contact_email": site.contact_email, "operator": site.operator}
    if kind == LegalKind.IMPRINT:
        facts = _imprint_facts(site, legal)
    elif kind == LegalKind.PRIVACY:
        facts = _controller_facts(site, legal)
        logs = Fact("Server-Protokolle", legal.server_logs, multiline=True)
        context["server_logs"] = logs
        facts_for_missing = facts + [logs]
        context["facts"] = facts
        context["missing"] = [f.label for f in facts_for_missing if f.required and f.missing]
        return context
    elif kind == LegalKind.ACCESSIBILITY:
        facts = [
            Fact("Kontakt (E-Mail)", site.contact_email, email=True),
            Fact(
                "Erklärung erstellt am",
                legal.accessibility_statement_date.strftime("%d.%m.%Y")
                if legal.accessibility_statement_date
                else "",
            ),
            Fact(
                "Zuletzt überprüft am",
                legal.accessibility_review_date.strftime("%d.%m.%Y")
                if legal.accessibility_review_date
                else "",
                required=False,
            ),
        ]
        context.update(
            status=legal.accessibility_status,
            status_label=AccessibilityStatus(legal.accessibility_status).label,
            enforcement_custom=legal.enforcement_procedure.strip(),
            ombuds_text=OMBUDS_TEXT,
            ombuds_url=OMBUDS_URL,
        )
    else:
        facts = []
    context["facts"] = facts
    context["missing"] = [f.label for f in facts if f.required and f.missing]
    return context
