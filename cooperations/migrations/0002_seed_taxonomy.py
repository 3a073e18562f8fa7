"""Seed the taxonomies with stable slugs.

The slugs are used in URLs, facets and cooperations/demo.py, so they must not change;
names and descriptions may be edited later by editors. Existing terms with the same
slug are left untouched, and the reverse operation removes only the seeded slugs.
"""

from django.db import migrations

# (slug, name, description, children); children are (slug, name, description).
TASK_AREAS = [
    (
        "innere-verwaltung",
        "Innere Verwaltung",
        "Querschnittsaufgaben der Verwaltung.",
        [
            ("personal-beihilfe", "Personal und Beihilfe",
             "Personalverwaltung, Entgelt- und Lohnabrechnung, Beihilfe."),
            ("it-rechenzentrum", "IT und Rechenzentrum", ""),
            ("vergabe-beschaffung", "Vergabe und Beschaffung", ""),
            ("archiv", "Archiv", ""),
            ("datenschutz", "Datenschutz", ""),
            ("gleichstellung", "Gleichstellung", ""),
            ("verwaltungsmodernisierung", "Verwaltungsmodernisierung (übergreifend)",
             "Zusammenarbeit über mehrere Aufgabenbereiche hinweg."),
        ],
    ),
    (
        "finanzen",
        "Finanzen",
        "",
        [
            ("kasse-finanzwesen", "Kasse und Finanzwesen",
             "Zahlungsverkehr, Buchhaltung, Rechnungseingang, Jahresabschluss."),
            ("steuern-vollstreckung", "Steuern und Vollstreckung", ""),
            ("rechnungspruefung", "Rechnungsprüfung", ""),
        ],
    ),
    (
        "buergerdienste-ordnung",
        "Bürgerdienste und Ordnung",
        "",
        [
            ("buergerservice-115", "Bürgerservice, Behördennummer 115 und Telefonzentrale", ""),
            ("standesamt", "Standesamt", ""),
            ("ordnungsamt", "Ordnungsamt", "Ordnungsbehörde und kommunaler Ordnungsdienst."),
        ],
    ),
    (
        "soziales-jugend-bildung",
        "Soziales, Jugend und Bildung",
        "",
        [
            ("sozialamt", "Sozialamt", "Leistungen der sozialen Sicherung."),
            ("jugendamt", "Jugendamt", ""),
            ("kita-kinderbetreuung", "Kita und Kinderbetreuung", ""),
            ("schultraegerschaft", "Schulträgerschaft", ""),
        ],
    ),
    (
        "sicherheit-gefahrenabwehr",
        "Sicherheit und Gefahrenabwehr",
        "",
        [
            ("feuerwehr-leitstelle", "Feuerwehr und Leitstelle", ""),
            ("katastrophenschutz", "Katastrophenschutz", ""),
        ],
    ),
    (
        "wirtschaft-tourismus-regionalentwicklung",
        "Wirtschaft, Tourismus und Regionalentwicklung",
        "",
        [
            ("wirtschaftsfoerderung", "Wirtschaftsförderung", ""),
            ("gewerbegebiete", "Gewerbegebiete", "Gemeinsame Entwicklung von Gewerbeflächen."),
            ("tourismus", "Tourismus", ""),
            ("regionalentwicklung-foerdermittel", "Regionalentwicklung und Fördermittel", ""),
        ],
    ),
    (
        "bauen-infrastruktur",
        "Bauen und Infrastruktur",
        "",
        [
            ("bauhof", "Bauhof", ""),
            ("breitband", "Breitbandausbau", ""),
        ],
    ),
    (
        "umwelt-ver-entsorgung",
        "Umwelt, Ver- und Entsorgung",
        "",
        [
            ("abfall", "Abfallwirtschaft", ""),
            ("abwasser", "Abwasser", ""),
            ("wasserversorgung", "Wasserversorgung", ""),
            ("klimaschutz", "Klimaschutz", ""),
        ],
    ),
    (
        "gesundheit-verbraucherschutz",
        "Gesundheit und Verbraucherschutz",
        "",
        [
            ("veterinaer-lebensmittelueberwachung",
             "Veterinärwesen und Lebensmittelüberwachung", ""),
        ],
    ),
    (
        "kultur-sport-freizeit",
        "Kultur, Sport und Freizeit",
        "",
        [
            ("sport-baeder", "Sport und Bäder", ""),
        ],
    ),
]

# (slug, name, legal_basis, description, children); the sections are those of the
# GkG NRW (Gesetz über kommunale Gemeinschaftsarbeit). Blank where not certain.
LEGAL_FORMS = [
    (
        "arbeitsgemeinschaft",
        "Arbeitsgemeinschaft",
        "§§ 2–3 GkG NRW",
        ("Kommunale Arbeitsgemeinschaft: Die Mitglieder beraten gemeinsame Angelegenheiten "
         "und stimmen Planungen aufeinander ab."),
        [],
    ),
    (
        "zweckverband",
        "Zweckverband",
        "§§ 4–22a GkG NRW",
        "Körperschaft des öffentlichen Rechts, auf die die Mitglieder Aufgaben übertragen.",
        [],
    ),
    (
        "oeffentlich-rechtliche-vereinbarung",
        "Öffentlich-rechtliche Vereinbarung",
        "§§ 23–26 GkG NRW",
        ("Ein Beteiligter übernimmt Aufgaben der übrigen oder führt sie für sie durch. "
         "In anderen Ländern entspricht dem z. B. die Zweckvereinbarung."),
        [
            (
                "oeffentlich-rechtliche-vereinbarung-delegierend",
                "delegierend",
                "§ 23 Abs. 2 Satz 1 GkG NRW",
                ("Die Aufgabe geht mit Recht und Pflicht zur Erfüllung auf den "
                 "übernehmenden Beteiligten über."),
            ),
            (
                "oeffentlich-rechtliche-vereinbarung-mandatierend",
                "mandatierend",
                "§ 23 Abs. 2 Satz 2 GkG NRW",
                "Ein Beteiligter führt die Aufgabe durch; die übrigen bleiben Träger der Aufgabe.",
            ),
        ],
    ),
    (
        "gemeinsames-kommunalunternehmen",
        "Gemeinsames Kommunalunternehmen",
        "§§ 27–28 GkG NRW",
        "Anstalt des öffentlichen Rechts in gemeinsamer Trägerschaft.",
        [],
    ),
    (
        "oeffentlich-rechtlicher-vertrag",
        "Öffentlich-rechtlicher Vertrag",
        "",
        ("Sonstige vertragliche Zusammenarbeit auf öffentlich-rechtlicher Grundlage, "
         "z. B. eine Verwaltungsvereinbarung."),
        [],
    ),
    (
        "privatrechtliche-form",
        "Privatrechtliche Form",
        "",
        "Zusammenarbeit in einer Rechtsform des Privatrechts (vgl. § 1 Abs. 3 GkG NRW).",
        [
            ("gmbh", "GmbH", "", "Gesellschaft mit beschränkter Haftung."),
            ("eingetragener-verein", "Eingetragener Verein (e. V.)", "", ""),
        ],
    ),
    (
        "informell",
        "Informell (ohne formale Vereinbarung)",
        "",
        ("Abstimmung ohne förmliche Vereinbarung. Nicht wählen, wenn die Rechtsform "
         "nur nicht bekannt ist – dann das Feld leer lassen."),
        [],
    ),
]

COOPERATION_MODELS = [
    ("dienstleistungszentrum", "Dienstleistungszentrum (Shared-Service-Center)",
     ("Für standardisierbare Prozesse: gebündelte Ausführung gleichartiger Aufgaben "
      "für mehrere Kommunen.")),
    ("kompetenzzentrum", "Kompetenzzentrum",
     "Für qualifizierte Prozesse: gemeinsamer Zugang zu Fachwissen und Spezialisten."),
    ("gemeinsame-einrichtung", "Gemeinsame Einrichtung / Behörde",
     "Eine gemeinsam getragene oder für mehrere Kommunen zuständige Einrichtung."),
    ("koordinierungsstelle-netzwerk", "Koordinierungsstelle / Netzwerk",
     "Abstimmung, Vernetzung und gemeinsame Planung ohne gebündelte Aufgabenerledigung."),
    ("gemeinsame-beschaffung", "Gemeinsame Beschaffung", ""),
    ("sonstiges", "Sonstiges", ""),
]

MOTIVES = [
    ("effizienz", "Effizienz", "Kosten senken, Abläufe bündeln, Größenvorteile nutzen."),
    ("kompetenz-kapazitaeten", "Kompetenz & Kapazitäten",
     "Fachwissen sichern, Vertretung und Personalengpässe abfedern."),
    ("innovation", "Innovation", "Neue, insbesondere digitale Lösungen gemeinsam entwickeln."),
]


def _seed_tree(model, rows, with_basis=False):
    for position, row in enumerate(rows, start=1):
        if with_basis:
            slug, name, basis, description, children = row
            extra = {"legal_basis": basis}
        else:
            slug, name, description, children = row
            extra = {}
        parent, _ = model.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": position * 10,
                      **extra},
        )
        for child_position, child in enumerate(children, start=1):
            if with_basis:
                c_slug, c_name, c_basis, c_description = child
                c_extra = {"legal_basis": c_basis}
            else:
                c_slug, c_name, c_description = child
                c_extra = {}
            model.objects.get_or_create(
                slug=c_slug,
                defaults={"name": c_name, "description": c_description, "parent": parent,
                          "sort_order": child_position * 10, **c_extra},
            )


def _seed_flat(model, rows):
    for position, (slug, name, description) in enumerate(rows, start=1):
        model.objects.get_or_create(
            slug=slug,
            defaults={"name": name, "description": description, "sort_order": position * 10},
        )


def seed(apps, schema_editor):
    _seed_tree(apps.get_model("cooperations", "TaskArea"), TASK_AREAS)
    _seed_tree(apps.get_model("cooperations", "LegalForm"), LEGAL_FORMS, with_basis=True)
    _seed_flat(apps.get_model("cooperations", "CooperationModel"), COOPERATION_MODELS)
    _seed_flat(apps.get_model("cooperations", "Motive"), MOTIVES)


def unseed(apps, schema_editor):
    for model_name, rows in (("TaskArea", TASK_AREAS), ("LegalForm", LEGAL_FORMS)):
        model = apps.get_model("cooperations", model_name)
        # Children first: parent is on_delete=PROTECT.
        model.objects.filter(slug__in=[c[0] for row in rows for c in row[-1]]).delete()
        model.objects.filter(slug__in=[row[0] for row in rows]).delete()
    for model_name, rows in (("CooperationModel", COOPERATION_MODELS), ("Motive", MOTIVES)):
        apps.get_model("cooperations", model_name).objects.filter(
            slug__in=[row[0] for row in rows]
        ).delete()


class Migration(migrations.Migration):
    dependencies = [("cooperations", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
