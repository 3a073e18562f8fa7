"""The seed guides, the FAQ and the glossary: only well-established public facts, with sources.

Paragraph numbers are cited only where the law text was checked (GkG NRW §§ 1, 2, 23, 24,
27 and the table of contents; § 2b UStG; DSGVO Art. 4, 26, 28, 30, 32, 35, 37). Where an
end date or figure could not be checked, the text says to check the current version.

``load_guides()`` creates what is missing (by slug) and never changes existing pages or
terms, so an editor's changes survive a second run and nothing is duplicated.
"""

import datetime

from django.db import transaction

from cooperations.taxonomy import LegalForm, TaskArea

from .models import FaqPage, GlossaryPage, GlossaryTerm, GuideIndexPage, GuidePage, Topic

REVIEWED = datetime.date(2026, 11, 21)

# The GkG NRW in recht.nrw.de, the official collection of NRW law: the whole law (bes_id
# 3978, Gliederungsnummer 202). recht.nrw.de has per-paragraph addresses
# (br_bes_detail?…&det_id=…), but a det_id belongs to one version of a paragraph and goes
# stale when the law changes; the only GkG det_id that could be checked is from 2022, before
# the 2024 amendment, so the guides link the law and name the paragraph (docs/guides.md).
GKG_URL = "https://recht.nrw.de/lmi/owa/br_bes_text?anw_nr=2&gld_nr=2&ugl_nr=202&bes_id=3978"
GKG_TITLE = (
    "Gesetz über kommunale Gemeinschaftsarbeit (GkG NRW), Gliederungsnummer 202, "
    "in Recht.NRW.de (amtliche Sammlung des Landesrechts)"
)
GO_TITLE = "Gemeindeordnung für das Land Nordrhein-Westfalen (GO NRW), in Recht.NRW.de"
DSG_NRW_TITLE = "Datenschutzgesetz Nordrhein-Westfalen (DSG NRW), in Recht.NRW.de"
USTG_2B_URL = "https://www.gesetze-im-internet.de/ustg_1980/__2b.html"
USTG_27_URL = "https://www.gesetze-im-internet.de/ustg_1980/__27.html"
DSGVO_URL = "https://eur-lex.europa.eu/eli/reg/2016/679/oj"
DSGVO_TITLE = "Verordnung (EU) 2016/679 (Datenschutz-Grundverordnung), EUR-Lex"


def dsgvo_article_url(number):
    return f"https://dsgvo-gesetz.de/art-{number}-dsgvo/"


DESTATIS_GV_URL = (
    "https://www.destatis.de/DE/Themen/Laender-Regionen/Regionales/Gemeindeverzeichnis/_inhalt.html"
)
PD_DLZ_URL = (
    "https://www.pd-g.de/unsere-beratungsangebote/grundlagenarbeit/"
    "marktentwicklung-und-markterweiterung/"
    "dienstleistungszentren-dlz-in-form-von-oeffentlich-privaten-partnerschaften-oepp/"
)


# -- block helpers ---------------------------------------------------------------------


def h2(text):
    return ("heading", {"text": text, "level": "h2"})


def h3(text):
    return ("heading", {"text": text, "level": "h3"})


def para(html):
    return ("paragraph", html)


def phase(name, goal, tasks, milestone="", checklist=()):
    return (
        "phase",
        {
            "name": name,
            "goal": goal,
            "tasks": list(tasks),
            "milestone": milestone,
            "checklist": list(checklist),
        },
    )


def checklist(title, items):
    return ("checklist", {"title": title, "items": list(items)})


def law(law_name, paragraph="", url="", note=""):
    return ("legal_reference", {"law": law_name, "paragraph": paragraph, "url": url, "note": note})


def callout(kind, title, html):
    return ("callout", {"kind": kind, "title": title, "text": html})


def faq(question, html):
    return ("faq", {"question": question, "answer": html})


def sources(*items):
    return ("sources", {"items": [{"title": title, "url": url} for title, url in items]})


# -- guides ----------------------------------------------------------------------------

VORGEHEN = {
    "slug": "vorgehensmodell-ikz-dlz",
    "title": "Vorgehensmodell für ein IKZ- oder DLZ-Projekt",
    "topic": Topic.VORGEHEN,
    "applies_to_all": True,
    "legal_forms": [],
    "task_areas": [],
    "summary": (
        "Wie ein Vorhaben der interkommunalen Zusammenarbeit oder ein interkommunales "
        "Dienstleistungszentrum in fünf Phasen vorankommt – von der Initialisierung bis zum "
        "Regelbetrieb, mit drei Meilensteinen und einer Checkliste je Phase."
    ),
    "body": [
        para(
            "<p>Das Vorgehensmodell gliedert ein Vorhaben in fünf Phasen: "
            "<b>Initialisierung</b>, <b>Konzeption</b>, <b>Umsetzungsvorbereitung</b>, "
            "<b>Umsetzung</b> und <b>Regelbetrieb</b>. Die ersten drei Phasen schließen mit "
            "einem Meilenstein ab: der <b>Projektbeschreibung</b>, dem <b>DLZ-Konzept</b> und "
            "dem <b>Umsetzungskonzept</b>. Nach denselben Phasen ordnet der Kooperationsatlas "
            "die Steckbriefe ein.</p>"
        ),
        callout(
            "tipp",
            "Früh ein Kernteam bilden",
            "<p>Das Modell sieht schon zu Beginn ein kleines Kernteam vor: den Kreis und zwei "
            "oder drei Gemeinden. Das Kernteam treibt das Vorhaben voran und bereitet die "
            "Entscheidungen vor; weitere Partner können in späteren Phasen dazukommen.</p>",
        ),
        phase(
            "Initialisierung",
            "Klären, ob und mit wem eine Zusammenarbeit verfolgt wird, und einen gemeinsamen "
            "Auftrag schaffen.",
            [
                "Kernteam aus dem Kreis und zwei oder drei Gemeinden bilden",
                "Anlass und Ziele der Zusammenarbeit beschreiben",
                "Den Aufgabenbereich abgrenzen, der gemeinsam wahrgenommen werden soll",
                "Vergleichbare Kooperationen ansehen (Suche im Kooperationsatlas)",
                "Weitere mögliche Partner ansprechen (Partnersuche, Kooperationsbörse)",
                "Verwaltungsspitzen einbinden und das weitere Vorgehen abstimmen",
                "Fördermöglichkeiten früh prüfen: Die Förderrichtlinie IKZ NRW verlangt den "
                "Antrag vor Projektbeginn",
            ],
            "Projektbeschreibung",
            [
                "Kernteam benannt",
                "Ziele und Aufgabenbereich beschrieben",
                "Mögliche Partner angesprochen",
                "Förderung geprüft",
                "Projektbeschreibung von den Beteiligten abgestimmt",
            ],
        ),
        phase(
            "Konzeption",
            "Die Zusammenarbeit bzw. das Dienstleistungszentrum fachlich, organisatorisch, "
            "rechtlich und wirtschaftlich beschreiben.",
            [
                "Ausgangslage bei allen Beteiligten erheben: Aufgaben, Abläufe, Personal, Technik",
                "Soll-Konzept entwerfen: Leistungen, Abläufe, Schnittstellen, Standort",
                "Rechtsform auswählen (siehe Leitfaden zu den Rechtsformen nach dem GkG NRW)",
                "Wirtschaftlichkeit und Verteilung der Kosten darstellen",
                "Umsatzsteuer und Datenschutz prüfen (siehe die Leitfäden dazu)",
                "Beschäftigte und Personalvertretungen beteiligen",
            ],
            "DLZ-Konzept",
            [
                "Ausgangslage erhoben",
                "Leistungen und Abläufe beschrieben",
                "Rechtsform gewählt und begründet",
                "Kostenverteilung beschrieben",
                "Umsatzsteuer und Datenschutz geprüft",
                "DLZ-Konzept von den Beteiligten abgestimmt",
            ],
        ),
        phase(
            "Umsetzungsvorbereitung",
            "Die nötigen Entscheidungen herbeiführen und die Umsetzung planen.",
            [
                "Beschlüsse der Räte und des Kreistags vorbereiten",
                "Vereinbarung, Satzung oder Vertrag entwerfen",
                "Genehmigung durch die Aufsichtsbehörde vorbereiten, soweit das Gesetz sie "
                "verlangt (z. B. für die öffentlich-rechtliche Vereinbarung nach § 24 GkG NRW)",
                "Übergang von Personal, Technik und Räumen planen",
                "Zeitplan und Verantwortlichkeiten festlegen",
            ],
            "Umsetzungskonzept",
            [
                "Beschlüsse gefasst",
                "Vereinbarung, Satzung oder Vertrag entworfen",
                "Genehmigungen geklärt",
                "Zeitplan und Verantwortlichkeiten festgelegt",
                "Umsetzungskonzept von den Beteiligten abgestimmt",
            ],
        ),
        phase(
            "Umsetzung",
            "Die Zusammenarbeit nach dem Umsetzungskonzept einführen.",
            [
                "Vereinbarung abschließen und wirksam werden lassen",
                "Organisation, Personal und Technik aufbauen",
                "Aufgaben schrittweise übergeben",
                "Beschäftigte, Bürgerinnen und Bürger informieren",
                "Fortschritt am Umsetzungskonzept messen",
            ],
            "",
            [
                "Vereinbarung wirksam",
                "Aufgaben übergeben",
                "Information der Betroffenen erfolgt",
                "Abweichungen vom Umsetzungskonzept dokumentiert",
            ],
        ),
        phase(
            "Regelbetrieb",
            "Die Zusammenarbeit dauerhaft führen und weiterentwickeln.",
            [
                "Leistungen, Kosten und Qualität regelmäßig auswerten",
                "Kostenverteilung und Vereinbarung bei Bedarf anpassen",
                "Erfahrungen teilen, z. B. mit einem Steckbrief im Kooperationsatlas",
                "Erweiterung um weitere Partner oder Aufgaben prüfen",
            ],
            "",
            [
                "Auswertung festgelegt (was, wann, durch wen)",
                "Verfahren für Änderungen der Vereinbarung vereinbart",
                "Erfahrungen dokumentiert",
            ],
        ),
        callout(
            "hinweis",
            "Keine Zeit- und Kostenangaben",
            "<p>Dauer und Aufwand der Phasen hängen vom Vorhaben ab. Das Modell nennt deshalb "
            "bewusst keine Zeiten oder Beträge; Anhaltspunkte geben die Steckbriefe "
            "vergleichbarer Kooperationen.</p>",
        ),
        sources(
            (GKG_TITLE, GKG_URL),
            (
                "PD (Partnerschaften Deutschland): Dienstleistungszentren (DLZ) – "
                "Grundlagenarbeit, insbesondere im interkommunalen Bereich",
                PD_DLZ_URL,
            ),
        ),
    ],
}

RECHTSFORMEN = {
    "slug": "rechtsformen-gkg-nrw",
    "title": "Rechtsformen der Zusammenarbeit nach dem GkG NRW",
    "topic": Topic.RECHT,
    "applies_to_all": False,
    "legal_forms": [
        "arbeitsgemeinschaft",
        "zweckverband",
        "oeffentlich-rechtliche-vereinbarung",
        "gemeinsames-kommunalunternehmen",
        "privatrechtliche-form",
    ],
    "task_areas": [],
    "summary": (
        "Arbeitsgemeinschaft, öffentlich-rechtliche Vereinbarung (delegierend oder "
        "mandatierend), Zweckverband und gemeinsames Kommunalunternehmen: was das Gesetz über "
        "kommunale Gemeinschaftsarbeit in Nordrhein-Westfalen vorsieht – und wo "
        "privatrechtliche Formen geregelt sind."
    ),
    "body": [
        para(
            "<p>Das Gesetz über kommunale Gemeinschaftsarbeit (GkG NRW) regelt, wie Gemeinden "
            "und Gemeindeverbände, zum Beispiel die Kreise, Aufgaben gemeinsam wahrnehmen. "
            "Die gemeinsame Wahrnehmung kann sich auf sachlich und örtlich begrenzte Teile "
            "einer Aufgabe beschränken; sie ist ausgeschlossen, wenn ein Gesetz eine besondere "
            "Rechtsform vorschreibt oder die gemeinsame Wahrnehmung ausschließt "
            "(§ 1 Abs. 1 GkG NRW). Zur Wahl stehen Arbeitsgemeinschaften, Zweckverbände, "
            "gemeinsame Kommunalunternehmen und öffentlich-rechtliche Vereinbarungen "
            "(§ 1 Abs. 2 GkG NRW).</p>"
        ),
        law(
            "GkG NRW",
            "§ 1",
            GKG_URL,
            "Formen kommunaler Gemeinschaftsarbeit; Abs. 3: Die Befugnis, die "
            "Gestaltungsmöglichkeiten des Privatrechts zu nutzen, bleibt unberührt.",
        ),
        h2("Kommunale Arbeitsgemeinschaft"),
        para(
            "<p>Gemeinden und Gemeindeverbände können sich zu kommunalen "
            "Arbeitsgemeinschaften zusammenschließen; aufgenommen werden können auch sonstige "
            "Körperschaften, Anstalten und Stiftungen des öffentlichen Rechts sowie natürliche "
            "Personen und juristische Personen des Privatrechts (§ 2 Abs. 1 GkG NRW). Die "
            "Arbeitsgemeinschaft berät Angelegenheiten, die ihre Mitglieder gemeinsam "
            "berühren, stimmt Planungen und die Tätigkeit von Einrichtungen ihrer Mitglieder "
            "aufeinander ab und leitet Gemeinschaftslösungen ein (§ 2 Abs. 2 GkG NRW). Sie "
            "eignet sich damit vor allem für Abstimmung und Vorbereitung.</p>"
        ),
        law("GkG NRW", "§§ 2 und 3", GKG_URL, "Zweck und Geschäftsführung."),
        h2("Öffentlich-rechtliche Vereinbarung"),
        para(
            "<p>Gemeinden und Gemeindeverbände können vereinbaren, dass einer der Beteiligten "
            "einzelne Aufgaben der übrigen in seine Zuständigkeit übernimmt oder sich "
            "verpflichtet, solche Aufgaben für die übrigen durchzuführen "
            "(§ 23 Abs. 1 GkG NRW). Daraus ergeben sich zwei Arten:</p>"
            "<ul><li><b>delegierend</b>: Der übernehmende Beteiligte erhält die Aufgabe in "
            "seine Zuständigkeit; Recht und Pflicht zur Erfüllung gehen auf ihn über "
            "(§ 23 Abs. 2 Satz 1 GkG NRW).</li>"
            "<li><b>mandatierend</b>: Ein Beteiligter führt die Aufgabe für die übrigen durch; "
            "deren Rechte und Pflichten als Träger der Aufgabe bleiben unberührt "
            "(§ 23 Abs. 2 Satz 2 GkG NRW).</li></ul>"
            "<p>Die Vereinbarung soll eine angemessene Entschädigung vorsehen, die in der "
            "Regel die Kosten der Übernahme oder Durchführung deckt (§ 23 Abs. 4). Ist sie "
            "unbefristet oder länger als 20 Jahre befristet, muss sie regeln, unter welchen "
            "Voraussetzungen und in welcher Form ein Beteiligter kündigen kann (§ 23 Abs. 5).</p>"
            "<p>Die Vereinbarung ist schriftlich abzuschließen und bedarf der Genehmigung der "
            "Aufsichtsbehörde; diese macht Vereinbarung und Genehmigung bekannt, und die "
            "Vereinbarung wird am Tag nach der Bekanntmachung wirksam, soweit sie keinen "
            "späteren Zeitpunkt bestimmt (§ 24 GkG NRW). Kreisangehörige Gemeinden "
            "unterrichten den Kreis rechtzeitig, wenn sie mit Gemeinden oder "
            "Gemeindeverbänden außerhalb des Kreises verhandeln (§ 24 Abs. 1 GkG NRW).</p>"
        ),
        law(
            "GkG NRW",
            "§§ 23 bis 26",
            GKG_URL,
            "Inhalt, Verfahren, Satzungsbefugnis, Pflichtregelung.",
        ),
        h2("Zweckverband"),
        para(
            "<p>Der Zweckverband ist eine Körperschaft des öffentlichen Rechts, auf die seine "
            "Mitglieder Aufgaben übertragen. Grundlage ist die Verbandssatzung, die der "
            "Genehmigung der Aufsichtsbehörde bedarf. Organe sind die Verbandsversammlung und "
            "die Verbandsvorsteherin oder der Verbandsvorsteher; seinen Finanzbedarf kann der "
            "Zweckverband über eine Verbandsumlage decken. Das GkG NRW regelt den "
            "Zweckverband im Dritten Teil (§§ 4 bis 22a), unter anderem Rechtsform (§ 5), "
            "Übergang der Aufgaben (§ 6), Verbandssatzung (§§ 7 und 9), Genehmigung (§ 10), "
            "Organe (§§ 14 bis 16) und Verbandsumlage (§ 19).</p>"
        ),
        law("GkG NRW", "§§ 4 bis 22a", GKG_URL, "Der Zweckverband."),
        h2("Gemeinsames Kommunalunternehmen"),
        para(
            "<p>Mehrere Gemeinden und Kreise, die Landschaftsverbände und der Regionalverband "
            "Ruhr können Unternehmen und Einrichtungen in der Rechtsform einer Anstalt des "
            "öffentlichen Rechts in gemeinsamer Trägerschaft führen – das gemeinsame "
            "Kommunalunternehmen (§ 27 Abs. 1 GkG NRW). Ergänzend gelten § 114a der "
            "Gemeindeordnung NRW und die Kommunalunternehmensverordnung (KUV). Die Beteiligten "
            "regeln die Rechtsverhältnisse in einer Unternehmenssatzung; sie können auch einem "
            "bestehenden Kommunalunternehmen beitreten (§ 27 Abs. 2). Die Entscheidungen "
            "bedürfen übereinstimmender Beschlüsse der Vertretungen der Träger "
            "(§ 27 Abs. 4).</p>"
        ),
        law("GkG NRW", "§§ 27 und 28", GKG_URL, "Das gemeinsame Kommunalunternehmen."),
        h2("Privatrechtliche Formen"),
        para(
            "<p>Das GkG NRW lässt die Befugnis unberührt, für die gemeinsame Wahrnehmung von "
            "Aufgaben die Gestaltungsmöglichkeiten des Privatrechts zu nutzen "
            "(§ 1 Abs. 3 GkG NRW), zum Beispiel eine GmbH. Ob und unter welchen Voraussetzungen "
            "sich eine Gemeinde an einem Unternehmen in privater Rechtsform beteiligen darf, "
            "richtet sich nach der Gemeindeordnung NRW, insbesondere nach ihren Vorschriften "
            "über die wirtschaftliche Betätigung und über Unternehmen und Einrichtungen des "
            "privaten Rechts (§§ 107 ff. GO NRW).</p>"
        ),
        checklist(
            "Fragen für die Wahl der Rechtsform",
            [
                "Soll nur abgestimmt werden, oder sollen Aufgaben gebündelt werden?",
                "Soll die Zuständigkeit übergehen (delegierend) oder nur die Durchführung "
                "(mandatierend)?",
                "Braucht die Zusammenarbeit eine eigene Rechtspersönlichkeit, eigenes Personal "
                "und Vermögen?",
                "Wie werden Kosten verteilt und Entscheidungen getroffen?",
                "Welche Beschlüsse und Genehmigungen verlangt das Gesetz?",
                "Welche Folgen hat die Form für Umsatzsteuer und Datenschutz?",
            ],
        ),
        callout(
            "hinweis",
            "Andere Länder",
            "<p>Die anderen Länder haben eigene Gesetze über die kommunale Zusammenarbeit, "
            "teils mit anderen Formen und Begriffen (zum Beispiel die Zweckvereinbarung). "
            "Dieser Leitfaden gilt für Nordrhein-Westfalen.</p>",
        ),
        sources((GKG_TITLE, GKG_URL), (GO_TITLE, GKG_URL)),
    ],
}

UMSATZSTEUER = {
    "slug": "umsatzsteuer-2b-ustg",
    "title": "Umsatzsteuer bei interkommunaler Zusammenarbeit (§ 2b UStG)",
    "topic": Topic.STEUERN,
    "applies_to_all": False,
    "legal_forms": [
        "oeffentlich-rechtliche-vereinbarung",
        "oeffentlich-rechtlicher-vertrag",
        "zweckverband",
        "gemeinsames-kommunalunternehmen",
    ],
    "task_areas": [],
    "summary": (
        "Wann Kommunen, Zweckverbände und gemeinsame Kommunalunternehmen umsatzsteuerlich "
        "als Unternehmer gelten: der Grundsatz des § 2b UStG, die Fälle ohne größere "
        "Wettbewerbsverzerrungen und die Zusammenarbeit zwischen öffentlichen Stellen."
    ),
    "body": [
        para(
            "<p>§ 2b des Umsatzsteuergesetzes (UStG) regelt, wann juristische Personen des "
            "öffentlichen Rechts – also auch Gemeinden, Kreise, Zweckverbände und gemeinsame "
            "Kommunalunternehmen – als Unternehmer gelten. Für die interkommunale "
            "Zusammenarbeit ist das wichtig, weil Leistungen, die ein Partner für andere "
            "erbringt, umsatzsteuerbar sein können.</p>"
        ),
        h2("Grundsatz"),
        para(
            "<p>Juristische Personen des öffentlichen Rechts gelten nicht als Unternehmer, "
            "soweit sie Tätigkeiten ausüben, die ihnen im Rahmen der öffentlichen Gewalt "
            "obliegen – auch wenn sie dafür Zölle, Gebühren, Beiträge oder sonstige Abgaben "
            "erheben. Das gilt nicht, sofern die Behandlung als Nichtunternehmer zu größeren "
            "Wettbewerbsverzerrungen führen würde (§ 2b Abs. 1 UStG).</p>"
        ),
        h2("Wann keine größeren Wettbewerbsverzerrungen vorliegen"),
        para(
            "<p>Größere Wettbewerbsverzerrungen liegen nach § 2b Abs. 2 UStG insbesondere "
            "nicht vor, wenn</p><ul>"
            "<li>der Umsatz, den die juristische Person im Kalenderjahr aus gleichartigen "
            "Tätigkeiten erzielt, voraussichtlich 17.500 Euro jeweils nicht übersteigen wird, "
            "oder</li>"
            "<li>vergleichbare, auf privatrechtlicher Grundlage erbrachte Leistungen ohne Recht "
            "auf Verzicht (§ 9 UStG) steuerfrei sind.</li></ul>"
        ),
        h2("Leistungen an andere öffentliche Stellen"),
        para(
            "<p>Wird eine Leistung an eine andere juristische Person des öffentlichen Rechts "
            "ausgeführt, liegen größere Wettbewerbsverzerrungen nach § 2b Abs. 3 UStG "
            "insbesondere nicht vor, wenn</p><ol>"
            "<li>die Leistungen aufgrund gesetzlicher Bestimmungen nur von juristischen "
            "Personen des öffentlichen Rechts erbracht werden dürfen oder</li>"
            "<li>die Zusammenarbeit durch gemeinsame spezifische öffentliche Interessen "
            "bestimmt wird. Das ist regelmäßig der Fall, wenn<ul>"
            "<li>die Leistungen auf langfristigen öffentlich-rechtlichen Vereinbarungen "
            "beruhen,</li>"
            "<li>die Leistungen dem Erhalt der öffentlichen Infrastruktur und der Wahrnehmung "
            "einer allen Beteiligten obliegenden öffentlichen Aufgabe dienen,</li>"
            "<li>die Leistungen ausschließlich gegen Kostenerstattung erbracht werden und</li>"
            "<li>der Leistende gleichartige Leistungen im Wesentlichen an andere juristische "
            "Personen des öffentlichen Rechts erbringt.</li></ul></li></ol>"
        ),
        callout(
            "achtung",
            "Einzelfall prüfen",
            "<p>Wie weit § 2b Abs. 3 Nr. 2 UStG reicht, wird in Finanzverwaltung, "
            "Rechtsprechung und Literatur unterschiedlich beurteilt. Ob eine konkrete Leistung "
            "steuerbar ist, sollten die Beteiligten mit steuerlicher Beratung klären und das "
            "Ergebnis dokumentieren. Dieser Leitfaden ist keine Steuerberatung.</p>",
        ),
        law(
            "UStG",
            "§ 2b",
            USTG_2B_URL,
            "Juristische Personen des öffentlichen Rechts.",
        ),
        h2("Übergangsregelung"),
        para(
            "<p>Juristische Personen des öffentlichen Rechts, die gegenüber dem Finanzamt "
            "erklärt hatten, das bisherige Recht (§ 2 Abs. 3 UStG in der am 31.12.2015 "
            "geltenden Fassung) weiter anzuwenden, konnten es nach § 27 Abs. 22 und 22a UStG "
            "übergangsweise weiter anwenden. Diese Übergangsfrist ist mehrfach verlängert "
            "worden. Bis wann sie gilt, bitte in der aktuellen Fassung von § 27 Abs. 22a UStG "
            "nachlesen.</p>"
        ),
        law("UStG", "§ 27 Abs. 22a", USTG_27_URL, "Übergangsregelung zu § 2b UStG."),
        checklist(
            "Prüfschritte für eine Kooperation",
            [
                "Leistungsbeziehungen aufschreiben: Wer leistet was an wen, gegen welches Entgelt?",
                "Beruht die Leistung auf öffentlich-rechtlicher Grundlage (z. B. einer "
                "öffentlich-rechtlichen Vereinbarung) oder auf einem privatrechtlichen Vertrag?",
                "Handelt der Leistende im Rahmen der öffentlichen Gewalt?",
                "Greift ein Fall des § 2b Abs. 2 oder Abs. 3 UStG?",
                "Werden die Leistungen ausschließlich gegen Kostenerstattung erbracht?",
                "Wenden die Beteiligten noch die Übergangsregelung an?",
                "Ergebnis dokumentieren und steuerlich beraten lassen",
            ],
        ),
        sources(
            ("§ 2b UStG, gesetze-im-internet.de (Bundesministerium der Justiz)", USTG_2B_URL),
            ("§ 27 UStG, gesetze-im-internet.de (Bundesministerium der Justiz)", USTG_27_URL),
        ),
    ],
}

DATENSCHUTZ = {
    "slug": "datenschutz-ikz",
    "title": "Datenschutz bei interkommunaler Zusammenarbeit",
    "topic": Topic.DATENSCHUTZ,
    "applies_to_all": False,
    "legal_forms": [],
    "task_areas": [
        "innere-verwaltung",
        "finanzen",
        "buergerdienste-ordnung",
        "soziales-jugend-bildung",
    ],
    "summary": (
        "Gemeinsame Verantwortlichkeit (Art. 26 DSGVO) oder Auftragsverarbeitung "
        "(Art. 28 DSGVO)? Dazu Datenschutzbeauftragte, Verzeichnis von "
        "Verarbeitungstätigkeiten und technische und organisatorische Maßnahmen."
    ),
    "body": [
        para(
            "<p>Werden bei der Zusammenarbeit personenbezogene Daten verarbeitet – etwa in "
            "der Personalabrechnung, im Bürgerservice oder in der Kasse –, müssen die "
            "Beteiligten festlegen, wer datenschutzrechtlich wofür verantwortlich ist. "
            "Maßgeblich ist die Datenschutz-Grundverordnung (DSGVO); für öffentliche Stellen in "
            "Nordrhein-Westfalen gilt ergänzend das Datenschutzgesetz Nordrhein-Westfalen "
            "(DSG NRW).</p>"
        ),
        h2("Gemeinsam verantwortlich oder Auftragsverarbeitung?"),
        h3("Gemeinsame Verantwortlichkeit (Art. 26 DSGVO)"),
        para(
            "<p>Legen zwei oder mehr Verantwortliche gemeinsam die Zwecke der und die Mittel "
            "zur Verarbeitung fest, sind sie gemeinsam Verantwortliche. Sie legen in einer "
            "Vereinbarung in transparenter Form fest, wer von ihnen welche Pflichten aus der "
            "DSGVO erfüllt, insbesondere gegenüber den betroffenen Personen. Das Wesentliche "
            "der Vereinbarung wird den betroffenen Personen zur Verfügung gestellt; diese "
            "können ihre Rechte bei und gegenüber jedem einzelnen Verantwortlichen geltend "
            "machen.</p>"
        ),
        h3("Auftragsverarbeitung (Art. 28 DSGVO)"),
        para(
            "<p>Auftragsverarbeiter ist, wer personenbezogene Daten im Auftrag des "
            "Verantwortlichen verarbeitet (Art. 4 Nr. 8 DSGVO). Der Verantwortliche arbeitet "
            "nur mit Auftragsverarbeitern, die hinreichende Garantien für geeignete technische "
            "und organisatorische Maßnahmen bieten. Grundlage ist ein Vertrag oder ein anderes "
            "Rechtsinstrument, das unter anderem Gegenstand und Dauer, Art und Zweck der "
            "Verarbeitung, die Art der Daten und die Kategorien betroffener Personen festlegt "
            "(Art. 28 Abs. 3 DSGVO); der Auftragsverarbeiter handelt nur auf dokumentierte "
            "Weisung.</p>"
        ),
        para(
            "<p>Welche Konstellation vorliegt, hängt von der tatsächlichen Ausgestaltung ab, "
            "nicht von der Bezeichnung. Die Rechtsform gibt Hinweise: Geht eine Aufgabe nach "
            "§ 23 Abs. 2 Satz 1 GkG NRW in die Zuständigkeit eines Beteiligten über, liegt es "
            "nahe, dass er für die Verarbeitung selbst verantwortlich ist; führt er sie nur für "
            "die übrigen durch, die Träger der Aufgabe bleiben, kommt eher eine "
            "Auftragsverarbeitung in Betracht. Im Einzelfall mit den Datenschutzbeauftragten "
            "klären.</p>"
        ),
        h2("Weitere Pflichten"),
        para(
            "<ul>"
            "<li><b>Datenschutzbeauftragte:</b> Behörden und öffentliche Stellen benennen eine "
            "Datenschutzbeauftragte oder einen Datenschutzbeauftragten (Art. 37 Abs. 1 "
            "Buchst. a DSGVO); mehrere Behörden können unter Berücksichtigung ihrer "
            "Organisationsstruktur und Größe eine gemeinsame Person benennen "
            "(Art. 37 Abs. 3 DSGVO).</li>"
            "<li><b>Verzeichnis von Verarbeitungstätigkeiten:</b> Jeder Verantwortliche und "
            "jeder Auftragsverarbeiter führt ein Verzeichnis (Art. 30 DSGVO); neue oder "
            "verlagerte Verarbeitungen gehören hinein.</li>"
            "<li><b>Technische und organisatorische Maßnahmen (TOM):</b> Verantwortliche und "
            "Auftragsverarbeiter treffen unter Berücksichtigung des Stands der Technik, der "
            "Kosten, der Art, des Umfangs, der Umstände und der Zwecke der Verarbeitung sowie "
            "des Risikos geeignete Maßnahmen, etwa Pseudonymisierung und Verschlüsselung, und "
            "überprüfen deren Wirksamkeit regelmäßig (Art. 32 DSGVO).</li>"
            "<li><b>Datenschutz-Folgenabschätzung:</b> Hat eine Verarbeitung voraussichtlich "
            "ein hohes Risiko für die Rechte und Freiheiten natürlicher Personen, ist vorab "
            "eine Folgenabschätzung durchzuführen (Art. 35 DSGVO).</li>"
            "</ul>"
        ),
        checklist(
            "Datenschutz im Projekt",
            [
                "Verarbeitungen auflisten, die die Zusammenarbeit betrifft",
                "Rollen klären: gemeinsame Verantwortlichkeit, Auftragsverarbeitung oder "
                "eigene Verantwortung",
                "Vereinbarung nach Art. 26 oder Vertrag nach Art. 28 DSGVO abschließen",
                "Verzeichnisse von Verarbeitungstätigkeiten anpassen",
                "Technische und organisatorische Maßnahmen festlegen und dokumentieren",
                "Prüfen, ob eine Datenschutz-Folgenabschätzung nötig ist",
                "Datenschutzbeauftragte früh einbinden",
                "Betroffene Personen informieren (Art. 13 und 14 DSGVO)",
            ],
        ),
        law("DSGVO", "Art. 26", dsgvo_article_url(26), "Gemeinsam Verantwortliche."),
        law("DSGVO", "Art. 28", dsgvo_article_url(28), "Auftragsverarbeiter."),
        sources(
            (DSGVO_TITLE, DSGVO_URL),
            ("Art. 26 DSGVO, dsgvo-gesetz.de", dsgvo_article_url(26)),
            ("Art. 28 DSGVO, dsgvo-gesetz.de", dsgvo_article_url(28)),
            ("Art. 30 DSGVO, dsgvo-gesetz.de", dsgvo_article_url(30)),
            ("Art. 32 DSGVO, dsgvo-gesetz.de", dsgvo_article_url(32)),
            ("Art. 37 DSGVO, dsgvo-gesetz.de", dsgvo_article_url(37)),
            (DSG_NRW_TITLE, GKG_URL),
        ),
    ],
}

GUIDES = [VORGEHEN, RECHTSFORMEN, UMSATZSTEUER, DATENSCHUTZ]

INDEX = {
    "slug": "leitfaeden",
    "title": "Leitfäden",
    "intro": (
        "<p>Leitfäden für Kommunen, die zusammenarbeiten wollen: Vorgehen, Rechtsformen, "
        "Umsatzsteuer und Datenschutz – mit Quellen. Dazu häufige Fragen und ein Glossar.</p>"
    ),
}
FAQ_SLUG = "haeufige-fragen"
GLOSSARY_SLUG = "glossar"


def page_link(page, text):
    return f'<a linktype="page" id="{page.pk}">{text}</a>'


def faq_body(guides, glossary):
    """The FAQ; ``guides`` maps slug -> GuidePage; links are page links, so they survive a
    renamed slug."""

    def guide(slug, text):
        page = guides.get(slug)
        return page_link(page, text) if page else text

    return [
        h2("Einstieg"),
        faq(
            "Wo fangen wir an, wenn wir mit Nachbarkommunen zusammenarbeiten wollen?",
            "<p>Mit einem kleinen Kernteam und einer gemeinsamen Projektbeschreibung. Das "
            f"{guide('vorgehensmodell-ikz-dlz', 'Vorgehensmodell für ein IKZ- oder DLZ-Projekt')}"
            " beschreibt die Phasen von der Initialisierung bis zum Regelbetrieb, jeweils mit "
            "Checkliste. Beispiele anderer Kommunen finden Sie in der "
            '<a href="/suche/">Suche</a>.</p>',
        ),
        faq(
            "Wie finden wir passende Partner?",
            '<p>Die <a href="/partnersuche/">Partnersuche</a> schlägt Gemeinden und Kreise vor '
            "und begründet jeden Vorschlag (Entfernung, gemeinsame Grenze, bestehende "
            "Kooperationen, Erfahrung im Aufgabenbereich). In der "
            '<a href="/boerse/">Kooperationsbörse</a> stehen Angebote und Gesuche anderer '
            "Kommunen.</p>",
        ),
        h2("Recht, Steuern und Datenschutz"),
        faq(
            "Welche Rechtsform passt zu unserem Vorhaben?",
            "<p>Das hängt davon ab, ob nur abgestimmt oder eine Aufgabe gebündelt werden soll "
            "und ob die Zuständigkeit übergehen soll. Der Leitfaden "
            f"{guide('rechtsformen-gkg-nrw', 'Rechtsformen der Zusammenarbeit nach dem GkG NRW')}"
            " stellt Arbeitsgemeinschaft, öffentlich-rechtliche Vereinbarung, Zweckverband und "
            "gemeinsames Kommunalunternehmen vor. In der "
            '<a href="/suche/">Suche</a> lassen sich Steckbriefe nach Rechtsform filtern.</p>',
        ),
        faq(
            "Fällt bei Leistungen zwischen Kommunen Umsatzsteuer an?",
            "<p>Das kann sein. Maßgeblich ist § 2b UStG; der Leitfaden "
            f"{guide('umsatzsteuer-2b-ustg', 'Umsatzsteuer bei interkommunaler Zusammenarbeit')}"
            " erklärt den Grundsatz, die Ausnahmen und die Prüfschritte. Die Prüfung im "
            "Einzelfall ersetzt er nicht.</p>",
        ),
        faq(
            "Was müssen wir beim Datenschutz beachten?",
            "<p>Vor allem, wer für welche Verarbeitung verantwortlich ist: gemeinsam "
            "(Art. 26 DSGVO) oder als Auftraggeber einer Auftragsverarbeitung (Art. 28 DSGVO). "
            f"Der Leitfaden {guide('datenschutz-ikz', 'Datenschutz bei interkommunaler Zusammenarbeit')}"  # noqa: E501
            " enthält eine Checkliste.</p>",
        ),
        h2("Förderung"),
        faq(
            "Welche Förderung gibt es für interkommunale Zusammenarbeit?",
            '<p>Die <a href="/foerderung/">Förderprogramme</a> sind mit Fördergeber, '
            "Voraussetzungen und Förderhöhe beschrieben. Für die Förderrichtlinie IKZ NRW "
            'zeigt der <a href="/foerderung/check/">Förder-Check</a>, welche Voraussetzungen '
            "ein Vorhaben erfüllt und wie hoch die Förderung höchstens ist. Der Antrag ist vor "
            "Projektbeginn bei der Bezirksregierung zu stellen.</p>",
        ),
        h2("Kooperationsatlas"),
        faq(
            "Wie kommt unsere Kooperation in den Kooperationsatlas?",
            "<p>Melden Sie die Kooperation der Redaktion über die im Seitenfuß genannte "
            "Kontaktadresse. Hilfreich sind: Partner, Aufgabenbereich, Rechtsform, Beginn, "
            "Ergebnisse und öffentlich zugängliche Quellen (zum Beispiel Ratsbeschluss, "
            "Vereinbarung oder Pressemitteilung). Die Redaktion legt den Steckbrief an; er "
            "erscheint nach der redaktionellen Freigabe. Jede Angabe braucht eine Quelle.</p>",
        ),
        faq(
            "Was bedeutet „nicht bekannt“ in einem Steckbrief?",
            "<p>Die Quellen des Steckbriefs sagen dazu nichts. Der Kooperationsatlas schätzt "
            "keine Angaben; wenn Sie eine Quelle kennen, melden Sie sie der Redaktion.</p>",
        ),
        faq(
            "Was bedeuten Abkürzungen wie AGS, DLZ oder gkU?",
            f"<p>Das {page_link(glossary, 'Glossar')} erklärt diese und weitere Begriffe, "
            "jeweils mit Quelle, wo eine angegeben ist.</p>",
        ),
    ]


GLOSSARY = [
    (
        "AGS (Amtlicher Gemeindeschlüssel)",
        "ags",
        "<p>Achtstellige Kennziffer jeder Gemeinde in Deutschland: zwei Stellen für das "
        "Land, eine für den Regierungsbezirk, zwei für den Kreis und drei für die Gemeinde. "
        "Die ersten fünf Stellen bilden den Kreisschlüssel. Der Kooperationsatlas ordnet "
        "Partner über den AGS dem Gemeindeverzeichnis zu.</p>",
        "Statistisches Bundesamt (Destatis): Gemeindeverzeichnis",
        DESTATIS_GV_URL,
    ),
    (
        "Kreis",
        "kreis",
        "<p>Gemeindeverband und Gebietskörperschaft, dem die kreisangehörigen Gemeinden "
        "angehören. Der Kreis nimmt überörtliche Aufgaben für sein Gebiet wahr. In "
        "Nordrhein-Westfalen regelt die Kreisordnung die Kreise; in anderen Ländern heißen "
        "sie meist Landkreis.</p>",
        "",
        "",
    ),
    (
        "Kreisfreie Stadt",
        "kreisfreie-stadt",
        "<p>Stadt, die keinem Kreis angehört und neben den Aufgaben einer Gemeinde auch die "
        "eines Kreises wahrnimmt. Im Gemeindeverzeichnis hat sie einen eigenen "
        "Kreisschlüssel.</p>",
        "Statistisches Bundesamt (Destatis): Gemeindeverzeichnis",
        DESTATIS_GV_URL,
    ),
    (
        "Regierungsbezirk",
        "regierungsbezirk",
        "<p>Gebiet der staatlichen Mittelinstanz in einem Land. Nordrhein-Westfalen ist in die "
        "Regierungsbezirke Arnsberg, Detmold, Düsseldorf, Köln und Münster gegliedert. Die "
        "dritte Stelle des AGS bezeichnet den Regierungsbezirk; nicht alle Länder haben "
        "Regierungsbezirke.</p>",
        "Statistisches Bundesamt (Destatis): Gemeindeverzeichnis",
        DESTATIS_GV_URL,
    ),
    (
        "Bezirksregierung",
        "bezirksregierung",
        "<p>In Nordrhein-Westfalen die Behörde der staatlichen Mittelinstanz für einen "
        "Regierungsbezirk. Bei ihr werden unter anderem Anträge nach der Förderrichtlinie "
        "IKZ NRW gestellt.</p>",
        "",
        "",
    ),
    (
        "IKZ (interkommunale Zusammenarbeit)",
        "ikz",
        "<p>Gemeinden, Kreise und andere kommunale Körperschaften erfüllen Aufgaben gemeinsam "
        "oder füreinander – von der Abstimmung bis zur gemeinsamen Einrichtung. In "
        "Nordrhein-Westfalen ist der rechtliche Rahmen vor allem das GkG NRW.</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "DLZ (interkommunales Dienstleistungszentrum)",
        "dlz",
        "<p>Eine Einheit, die gleichartige, standardisierbare Aufgaben gebündelt für mehrere "
        "Kommunen ausführt. Interkommunale Dienstleistungszentren sind nach der "
        "Förderrichtlinie IKZ NRW seit dem 05.06.2023 ausdrücklich förderfähig. Siehe auch "
        "Shared-Service-Center.</p>",
        "",
        "",
    ),
    (
        "Shared-Service-Center",
        "shared-service-center",
        "<p>Organisationsform, in der gleichartige unterstützende Leistungen – etwa aus "
        "Personal, Finanzen oder IT – für mehrere Organisationseinheiten oder Organisationen "
        "in einer Einheit gebündelt und als Dienstleistung erbracht werden. Im kommunalen "
        "Bereich meist gleichbedeutend mit DLZ.</p>",
        "",
        "",
    ),
    (
        "GkG NRW",
        "gkg-nrw",
        "<p>Gesetz über kommunale Gemeinschaftsarbeit des Landes Nordrhein-Westfalen. Es "
        "regelt die kommunale Arbeitsgemeinschaft, den Zweckverband, die "
        "öffentlich-rechtliche Vereinbarung und das gemeinsame Kommunalunternehmen "
        "(§ 1 Abs. 2 GkG NRW).</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "Öffentlich-rechtliche Vereinbarung",
        "oeffentlich-rechtliche-vereinbarung",
        "<p>Vereinbarung, nach der ein Beteiligter einzelne Aufgaben der übrigen in seine "
        "Zuständigkeit übernimmt (delegierend) oder sich verpflichtet, sie für die übrigen "
        "durchzuführen (mandatierend) (§ 23 GkG NRW). Sie ist schriftlich abzuschließen und "
        "bedarf der Genehmigung der Aufsichtsbehörde (§ 24 GkG NRW).</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "Zweckverband",
        "zweckverband",
        "<p>Körperschaft des öffentlichen Rechts, auf die die Mitglieder Aufgaben übertragen; "
        "Grundlage ist eine genehmigte Verbandssatzung. Im GkG NRW geregelt in den "
        "§§ 4 bis 22a.</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "Gemeinsames Kommunalunternehmen (gkU)",
        "gemeinsames-kommunalunternehmen",
        "<p>Unternehmen oder Einrichtung in der Rechtsform einer Anstalt des öffentlichen "
        "Rechts in gemeinsamer Trägerschaft mehrerer Gemeinden und Kreise "
        "(§ 27 Abs. 1 GkG NRW).</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "Anstalt des öffentlichen Rechts (AöR)",
        "anstalt-des-oeffentlichen-rechts",
        "<p>Rechtsfähige Organisationsform des öffentlichen Rechts, die ein Träger für eine "
        "bestimmte Aufgabe errichtet. Eine Gemeinde kann Unternehmen und Einrichtungen als "
        "Anstalt führen (§ 114a GO NRW); mehrere Kommunen gemeinsam als gemeinsames "
        "Kommunalunternehmen (§ 27 GkG NRW).</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "Arbeitsgemeinschaft (kommunale)",
        "arbeitsgemeinschaft",
        "<p>Zusammenschluss von Gemeinden und Gemeindeverbänden, der Angelegenheiten berät, "
        "die die Mitglieder gemeinsam berühren, Planungen aufeinander abstimmt und "
        "Gemeinschaftslösungen einleitet (§ 2 GkG NRW).</p>",
        GKG_TITLE,
        GKG_URL,
    ),
    (
        "§ 2b UStG",
        "paragraph-2b-ustg",
        "<p>Vorschrift des Umsatzsteuergesetzes: Juristische Personen des öffentlichen Rechts "
        "gelten nicht als Unternehmer, soweit sie im Rahmen der öffentlichen Gewalt tätig "
        "werden – es sei denn, das führte zu größeren Wettbewerbsverzerrungen. Abs. 2 und 3 "
        "nennen Fälle, in denen solche Verzerrungen insbesondere nicht vorliegen, darunter "
        "die Zusammenarbeit zwischen öffentlichen Stellen.</p>",
        "§ 2b UStG, gesetze-im-internet.de",
        USTG_2B_URL,
    ),
    (
        "Auftragsverarbeitung",
        "auftragsverarbeitung",
        "<p>Verarbeitung personenbezogener Daten im Auftrag und auf Weisung eines "
        "Verantwortlichen (Art. 4 Nr. 8 und Art. 28 DSGVO). Grundlage ist ein Vertrag oder "
        "ein anderes Rechtsinstrument.</p>",
        "Art. 28 DSGVO, dsgvo-gesetz.de",
        dsgvo_article_url(28),
    ),
    (
        "Gemeinsame Verantwortlichkeit",
        "gemeinsame-verantwortlichkeit",
        "<p>Zwei oder mehr Verantwortliche legen gemeinsam die Zwecke und Mittel einer "
        "Verarbeitung personenbezogener Daten fest; sie regeln in einer Vereinbarung, wer "
        "welche Pflichten erfüllt (Art. 26 DSGVO).</p>",
        "Art. 26 DSGVO, dsgvo-gesetz.de",
        dsgvo_article_url(26),
    ),
]


# -- loading ---------------------------------------------------------------------------


def _publish(parent, page):
    parent.add_child(instance=page)
    page.save_revision().publish()
    return page


@transaction.atomic
def load_guides():
    """Create the index, the guides, the FAQ, the glossary page and the terms that are
    missing. Existing pages and terms are left as they are. Returns the number created."""
    from kooperationsatlas.setup import ensure_site_tree

    home, _ = ensure_site_tree()
    created = 0
    index = GuideIndexPage.objects.filter(slug=INDEX["slug"]).first()
    if index is None:
        index = _publish(home, GuideIndexPage(**INDEX))
        created += 1

    guides = {}
    for spec in GUIDES:
        page = GuidePage.objects.filter(slug=spec["slug"]).first()
        if page is None:
            fields = {k: v for k, v in spec.items() if k not in ("legal_forms", "task_areas")}
            page = GuidePage(last_reviewed=REVIEWED, **fields)
            page.legal_forms.set(LegalForm.objects.filter(slug__in=spec["legal_forms"]))
            page.task_areas.set(TaskArea.objects.filter(slug__in=spec["task_areas"]))
            _publish(index, page)
            created += 1
        guides[spec["slug"]] = page

    glossary = GlossaryPage.objects.filter(slug=GLOSSARY_SLUG).first()
    if glossary is None:
        glossary = _publish(
            index,
            GlossaryPage(
                title="Glossar",
                slug=GLOSSARY_SLUG,
                intro="<p>Begriffe der interkommunalen Zusammenarbeit, kurz erklärt.</p>",
            ),
        )
        created += 1

    if not FaqPage.objects.filter(slug=FAQ_SLUG).exists():
        _publish(
            index,
            FaqPage(
                title="Häufige Fragen",
                slug=FAQ_SLUG,
                intro="<p>Antworten auf Fragen, die Kommunen zur Zusammenarbeit häufig "
                "stellen.</p>",
                body=faq_body(guides, glossary),
            ),
        )
        created += 1

    for term, slug, definition, source_title, source_url in GLOSSARY:
        if GlossaryTerm.objects.filter(slug=slug).exists():
            continue
        GlossaryTerm.objects.create(
            term=term,
            slug=slug,
            definition=definition,
            source_title=source_title,
            source_url=source_url,
        )
        created += 1
    return created
