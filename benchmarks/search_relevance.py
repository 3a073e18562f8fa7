"""Search relevance: realistic queries over the real profiles, judged from their content.

Run after ``make setup`` (reads the database the settings point at, by default the dev
database var/db.sqlite3 with the 83 demo profiles; set DATABASE_URL for PostgreSQL, with
the same content loaded); writes nothing:

    .venv/bin/python benchmarks/search_relevance.py [--json FILE]

Each query is what a municipal employee (or a visitor from abroad) would type, in one of
the classes of issue 14: the profile's own administrative wording, compounds, everyday
words, abbreviations, regions, places, partly unknown words, typos in long words,
inflections, English terms, and queries the atlas has no answer for. The relevant
profiles of a query were judged from the profiles' content (task, partners and their
places, description), not from what any engine returns.

Figures per class and overall, for the atlas's search (``search.service.search``, the
configured engine) and for Wagtail's default search (``.search()`` on the live, public
profiles) as the baseline:

* recall@10: relevant profiles among the first ten hits / min(10, relevant profiles);
* MRR: 1 / rank of the first relevant hit (0 if none in the first ten);
* zero-hit share: queries with a right answer that show no hit at all;
* precision: the share of the shown hits (first page of ten) that are relevant;
* for queries without an answer: how many show any hit (target: none).

Targets (issue 14): recall@10 ≥ 0.90, MRR ≥ 0.90, zero-hit share ≤ 3 %, no hits for queries
without an answer, precision ≥ 85 %. Prints PASS/FAIL per target; exit code 0 either way
(the figures are not a test).
"""

import argparse
import json
import os
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHOWN = 10
TARGETS = {"recall": 0.90, "mrr": 0.90, "zero_hits": 0.03, "precision": 0.85}

# (class, query, slugs of the relevant profiles)
QUERIES = [
    (
        "exakt",
        "Standesamt",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "exakt",
        "Rechnungsprüfung",
        {
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
        },
    ),
    (
        "exakt",
        "Vergabestelle",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "exakt",
        "Archiv",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivgemeinschaft-schwarzenbek",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "exakt",
        "Beihilfe",
        {
            "beihilfebearbeitung-fuer-meerbusch-durch-den-rhein-kreis-neuss",
            "beihilfebearbeitung-fuer-wermelskirchen-durch-den-rheinisch-bergischen-kreis",
            "gemeinsame-beihilfestelle-erlangen-nuernberg",
        },
    ),
    (
        "exakt",
        "Ordnungsdienst",
        {
            "gemeinsamer-ordnungsbehoerdenbezirk-ronneburger-huegelland",
            "kommunaler-ordnungsdienst-detmold-lippe",
            "kooperation-ordnungsdienst-lohmar",
            "kreisuebergreifender-ordnungsdienst-roedermark-messel",
        },
    ),
    (
        "exakt",
        "Gewerbegebiet",
        {
            "interkommunale-gewerbeflaechenkooperation-westliches-ruhrgebiet",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
        },
    ),
    (
        "exakt",
        "Zweckverband",
        {
            "kommunales-rechenzentrum-niederrhein",
            "region-aachen-zweckverband",
            "zweckverband-entsorgungsregion-west",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
            "zweckverband-it-kooperation-rheinland",
            "zweckverband-kindliche-bildung-tauberfranken",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "exakt",
        "Leitstelle",
        {
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
        },
    ),
    (
        "exakt",
        "Datenschutzbeauftragter",
        {
            "gemeinsamer-datenschutzbeauftragter-im-landkreis-regensburg",
            "gemeinsamer-datenschutzbeauftragter-kreis-coesfeld",
        },
    ),
    (
        "exakt",
        "Gleichstellungsbeauftragte",
        {
            "gemeinsame-gleichstellungsbeauftragte-morsbach-reichshof",
        },
    ),
    (
        "exakt",
        "Klimaschutzmanagement",
        {
            "gemeinsames-klimaschutzkonzept-und-klimaschutzmanagement-kreis-viersen",
        },
    ),
    (
        "exakt",
        "Lebensmittelüberwachung",
        {
            "bergisches-veterinaer-und-lebensmittelueberwachungsamt",
        },
    ),
    (
        "exakt",
        "Entgeltabrechnung",
        {
            "gemeinsame-entgeltabrechnung-kreis-heinsberg",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
            "lohnbuchhaltung-der-stadt-wetzlar-fuer-huettenberg-und-sinn",
            "personaldienstleistungen-des-kreises-bergstrasse-fuer-die-gemeinde-rimbach",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    (
        "exakt",
        "Breitbandausbau",
        {
            "breitbandausbau-weisse-flecken-durch-den-landkreis-osnabrueck",
        },
    ),
    (
        "exakt",
        "Bioabfall",
        {
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
        },
    ),
    (
        "exakt",
        "Klärwerk",
        {
            "gemeinschaftsklaerwerk-neuenkirchen-wettringen",
            "technische-betriebsfuehrung-abwasser-frielendorf-knuellwald-homberg",
        },
    ),
    (
        "exakt",
        "Gesamtschule",
        {
            "gemeinsame-gesamtschule-aldenhoven-linnich",
        },
    ),
    (
        "kompositum",
        "Standesamtverbund",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "kompositum",
        "Gemeinschaftsstandesamt",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "kompositum",
        "Datenverarbeitung",
        {
            "kommunales-rechenzentrum-niederrhein",
            "zweckverband-it-kooperation-rheinland",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "kompositum",
        "Archivkooperation",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivgemeinschaft-schwarzenbek",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "kompositum",
        "Vergabestellenkooperation",
        {
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
        },
    ),
    (
        "kompositum",
        "Rechnungsprüfungsamt",
        {
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
        },
    ),
    (
        "kompositum",
        "Personalabrechnung",
        {
            "gemeinsame-entgeltabrechnung-kreis-heinsberg",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
            "lohnbuchhaltung-der-stadt-wetzlar-fuer-huettenberg-und-sinn",
            "personaldienstleistungen-des-kreises-bergstrasse-fuer-die-gemeinde-rimbach",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    (
        "kompositum",
        "Feuerwehrkooperation",
        {
            "atemschutzgeraeteverbund-wetterau",
            "crossfire-deutsch-niederlaendisches-feuerwehrhaus-bocholt-aalten",
            "feuerwehr-kooperation-kreis-soest",
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
            "interkommunale-einsatzkonzepte-wald-vegetationsbraende-und-bahnungluecke",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "kompositum",
        "Abfallentsorgung",
        {
            "abfallservice-langen-egelsbach-gmbh",
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "zweckverband-entsorgungsregion-west",
        },
    ),
    (
        "kompositum",
        "Gewerbeflächenentwicklung",
        {
            "interkommunale-gewerbeflaechenkooperation-westliches-ruhrgebiet",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
        },
    ),
    (
        "kompositum",
        "Bauhofkooperation",
        {
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "interkommunale-zusammenarbeit-im-bereich-der-bauhoefe",
        },
    ),
    (
        "kompositum",
        "Tourismusverband",
        {
            "kommunale-arbeitsgemeinschaft-baumberge-touristik",
            "leader-region-nordlippe",
            "sauerland-tourismus-ev",
            "tourismus-agentur-nordsee-gmbh",
        },
    ),
    (
        "kompositum",
        "Sozialhilfeträger",
        {
            "einheitliches-sozialwesen-kreis-unna",
            "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
            "koordinierungsstelle-soziale-hilfen-der-schleswig-holsteinischen-kreise",
        },
    ),
    (
        "kompositum",
        "Atemschutzwerkstatt",
        {
            "atemschutzgeraeteverbund-wetterau",
            "feuerwehr-kooperation-kreis-soest",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "alltag",
        "Schwimmbad",
        {
            "interkommunales-hallenbad-geretsried",
        },
    ),
    (
        "alltag",
        "Müllabfuhr",
        {
            "abfallservice-langen-egelsbach-gmbh",
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "zweckverband-entsorgungsregion-west",
        },
    ),
    (
        "alltag",
        "Kläranlage",
        {
            "gemeinschaftsklaerwerk-neuenkirchen-wettringen",
            "technische-betriebsfuehrung-abwasser-frielendorf-knuellwald-homberg",
        },
    ),
    (
        "alltag",
        "Heiraten",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "alltag",
        "Trauung",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "alltag",
        "Ausschreibung",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "alltag",
        "Lohnabrechnung",
        {
            "gemeinsame-entgeltabrechnung-kreis-heinsberg",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
            "lohnbuchhaltung-der-stadt-wetzlar-fuer-huettenberg-und-sinn",
            "personaldienstleistungen-des-kreises-bergstrasse-fuer-die-gemeinde-rimbach",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    (
        "alltag",
        "Internet Ausbau",
        {
            "breitbandausbau-weisse-flecken-durch-den-landkreis-osnabrueck",
        },
    ),
    (
        "alltag",
        "Digitalisierung",
        {
            "standesamt-hellweg",
            "kommunales-rechenzentrum-niederrhein",
            "modellprojekt-e-rechnung-im-landkreis-dahme-spreewald",
            "zweckverband-it-kooperation-rheinland",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "alltag",
        "Stadtkasse",
        {
            "finanzkooperation-dillenburg-sinn-dietzhoelztal",
            "finanzzentrum-baumberge",
            "finanzzentrum-ostvest",
            "gemeinschaftskasse-und-gemeinsames-steueramt-homberg-frielendorf-schwarzenborn",
            "kooperation-merzenich-kerpen",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
            "modellprojekt-e-rechnung-im-landkreis-dahme-spreewald",
            "vollstreckungsaussendienst-fuer-den-kreis-kleve-durch-die-kreisangehoerigen",
        },
    ),
    (
        "alltag",
        "Kita",
        {
            "zweckverband-kindliche-bildung-tauberfranken",
        },
    ),
    (
        "alltag",
        "Trinkwasser",
        {
            "finanzkooperation-dillenburg-sinn-dietzhoelztal",
            "wasserversorgungs-verbund-bad-lippspringe-schlangen",
        },
    ),
    (
        "alltag",
        "Telefonzentrale",
        {
            "behoerdennummer-115-im-kreis-mettmann",
            "behoerdennummer-115-kreis-pinneberg-fuer-nordfriesland-und-dithmarschen",
            "bergisches-service-center",
            "service-center-115-region-koeln",
        },
    ),
    (
        "alltag",
        "Rettungsdienst",
        {
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
        },
    ),
    (
        "abkuerzung",
        "115",
        {
            "behoerdennummer-115-im-kreis-mettmann",
            "behoerdennummer-115-kreis-pinneberg-fuer-nordfriesland-und-dithmarschen",
            "bergisches-service-center",
            "service-center-115-region-koeln",
        },
    ),
    (
        "abkuerzung",
        "IKZ Standesamt",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "abkuerzung",
        "ZV Gewerbe",
        {
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
        },
    ),
    (
        "abkuerzung",
        "öRV Archiv",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "abkuerzung",
        "DSB",
        {
            "gemeinsamer-datenschutzbeauftragter-im-landkreis-regensburg",
            "gemeinsamer-datenschutzbeauftragter-kreis-coesfeld",
        },
    ),
    (
        "abkuerzung",
        "KDVZ",
        {
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "abkuerzung",
        "EDV",
        {
            "kommunales-rechenzentrum-niederrhein",
            "modellprojekt-e-rechnung-im-landkreis-dahme-spreewald",
            "zweckverband-it-kooperation-rheinland",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "abkuerzung",
        "RPA",
        {
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
        },
    ),
    (
        "abkuerzung",
        "LEADER",
        {
            "leader-region-nordlippe",
        },
    ),
    (
        "region",
        "Sauerland",
        {
            "feuerwehr-kooperation-kreis-soest",
            "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
            "sauerland-tourismus-ev",
            "standesamt-hellweg",
            "standesamtsbezirk-untere-lenne",
            "zentraler-atemschutz-pool-maerkischer-kreis",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "region",
        "Ostwestfalen-Lippe",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "kommunaler-ordnungsdienst-detmold-lippe",
            "leader-region-nordlippe",
            "wasserversorgungs-verbund-bad-lippspringe-schlangen",
        },
    ),
    (
        "region",
        "OWL",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "kommunaler-ordnungsdienst-detmold-lippe",
            "leader-region-nordlippe",
            "wasserversorgungs-verbund-bad-lippspringe-schlangen",
        },
    ),
    (
        "region",
        "Niederrhein",
        {
            "beihilfebearbeitung-fuer-meerbusch-durch-den-rhein-kreis-neuss",
            "gemeinsames-klimaschutzkonzept-und-klimaschutzmanagement-kreis-viersen",
            "interkommunale-gewerbeflaechenkooperation-westliches-ruhrgebiet",
            "kommunales-rechenzentrum-niederrhein",
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
            "vollstreckungsaussendienst-fuer-den-kreis-kleve-durch-die-kreisangehoerigen",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-it-kooperation-rheinland",
        },
    ),
    (
        "region",
        "Eifel",
        {
            "interkommunale-zusammenarbeit-im-bereich-der-bauhoefe",
            "region-aachen-zweckverband",
            "schwerpunktjugendamt-trier-fuer-unbegleitete-minderjaehrige-auslaender",
            "zweckverband-entsorgungsregion-west",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
        },
    ),
    (
        "region",
        "Münsterland",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "crossfire-deutsch-niederlaendisches-feuerwehrhaus-bocholt-aalten",
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
            "finanzzentrum-baumberge",
            "gemeinsamer-datenschutzbeauftragter-kreis-coesfeld",
            "gemeinschaftsklaerwerk-neuenkirchen-wettringen",
            "interkommunale-einsatzkonzepte-wald-vegetationsbraende-und-bahnungluecke",
            "kommunale-arbeitsgemeinschaft-baumberge-touristik",
            "kreisweite-nacht-der-ausbildung-im-kreis-borken",
            "kreiszentralarchiv-kreis-coesfeld",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    (
        "region",
        "Ruhrgebiet",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "einheitliches-sozialwesen-kreis-unna",
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
            "finanzzentrum-ostvest",
            "interkommunale-gewerbeflaechenkooperation-westliches-ruhrgebiet",
            "kommunales-rechenzentrum-niederrhein",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
        },
    ),
    (
        "region",
        "Bergisches Land",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "archivkooperation-lohmar",
            "behoerdennummer-115-im-kreis-mettmann",
            "beihilfebearbeitung-fuer-wermelskirchen-durch-den-rheinisch-bergischen-kreis",
            "bergisches-service-center",
            "bergisches-veterinaer-und-lebensmittelueberwachungsamt",
            "gemeinsame-gleichstellungsbeauftragte-morsbach-reichshof",
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
            "kommunales-rechenzentrum-niederrhein",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "service-center-115-region-koeln",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
        },
    ),
    (
        "region",
        "Südwestfalen",
        {
            "feuerwehr-kooperation-kreis-soest",
            "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
            "sauerland-tourismus-ev",
            "standesamt-hellweg",
            "standesamtsbezirk-untere-lenne",
            "zentraler-atemschutz-pool-maerkischer-kreis",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "region",
        "Sauerland Standesamt",
        {
            "standesamt-hellweg",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "region",
        "Münsterland Archiv",
        {
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "region",
        "Niederrhein IT",
        {
            "kommunales-rechenzentrum-niederrhein",
            "zweckverband-it-kooperation-rheinland",
        },
    ),
    (
        "region",
        "Eifel Bauhof",
        {
            "interkommunale-zusammenarbeit-im-bereich-der-bauhoefe",
        },
    ),
    (
        "region",
        "Ruhrgebiet Finanzen",
        {
            "finanzzentrum-ostvest",
        },
    ),
    (
        "ort",
        "Kreis Coesfeld",
        {
            "finanzzentrum-baumberge",
            "gemeinsamer-datenschutzbeauftragter-kreis-coesfeld",
            "interkommunale-einsatzkonzepte-wald-vegetationsbraende-und-bahnungluecke",
            "kommunale-arbeitsgemeinschaft-baumberge-touristik",
            "kreiszentralarchiv-kreis-coesfeld",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    (
        "ort",
        "Lohmar",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivkooperation-lohmar",
            "kooperation-ordnungsdienst-lohmar",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
        },
    ),
    (
        "ort",
        "Wuppertal",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "bergisches-service-center",
            "bergisches-veterinaer-und-lebensmittelueberwachungsamt",
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
        },
    ),
    (
        "ort",
        "Hessen",
        {
            "abfallservice-langen-egelsbach-gmbh",
            "atemschutzgeraeteverbund-wetterau",
            "finanzkooperation-dillenburg-sinn-dietzhoelztal",
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "gemeinsamer-ordnungsbehoerdenbezirk-ronneburger-huegelland",
            "gemeinschaftskasse-und-gemeinsames-steueramt-homberg-frielendorf-schwarzenborn",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "kreisuebergreifender-ordnungsdienst-roedermark-messel",
            "lohnbuchhaltung-der-stadt-wetzlar-fuer-huettenberg-und-sinn",
            "personaldienstleistungen-des-kreises-bergstrasse-fuer-die-gemeinde-rimbach",
            "sauerland-tourismus-ev",
            "technische-betriebsfuehrung-abwasser-frielendorf-knuellwald-homberg",
        },
    ),
    (
        "ort",
        "Bayern",
        {
            "gemeinsame-beihilfestelle-erlangen-nuernberg",
            "gemeinsamer-datenschutzbeauftragter-im-landkreis-regensburg",
            "interkommunales-hallenbad-geretsried",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
        },
    ),
    (
        "ort",
        "Schleswig-Holstein",
        {
            "archivgemeinschaft-schwarzenbek",
            "behoerdennummer-115-kreis-pinneberg-fuer-nordfriesland-und-dithmarschen",
            "koordinierungsstelle-soziale-hilfen-der-schleswig-holsteinischen-kreise",
            "standesamt-reinfeld-nordstormarn",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
        },
    ),
    (
        "ort",
        "Baden-Württemberg",
        {
            "gemeinsame-vollstreckung-ludwigsburg-kornwestheim",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-kindliche-bildung-tauberfranken",
        },
    ),
    (
        "ort",
        "Kreis Soest",
        {
            "feuerwehr-kooperation-kreis-soest",
            "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
            "sauerland-tourismus-ev",
            "standesamt-hellweg",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "ort",
        "Regierungsbezirk Detmold",
        {
            "arbeitskreis-fuer-interkommunale-zusammenarbeit-der-nrw-grossstaedte",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "kommunaler-ordnungsdienst-detmold-lippe",
            "leader-region-nordlippe",
            "wasserversorgungs-verbund-bad-lippspringe-schlangen",
        },
    ),
    (
        "ort",
        "Erwitte",
        {
            "interkommunales-sozialamt-fachstelle-fuer-soziale-sicherungssysteme",
            "standesamt-hellweg",
        },
    ),
    (
        "ort",
        "Archiv Rhein-Sieg-Kreis",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivkooperation-lohmar",
        },
    ),
    (
        "ort",
        "Vergabe Hessen",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
        },
    ),
    (
        "teilweise",
        "Standesamt Fotobox",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "teilweise",
        "Archiv Digitalisat Zwergenland",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivgemeinschaft-schwarzenbek",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "teilweise",
        "Vergabestelle Quantencomputer",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "teilweise",
        "Bauhof Schneeräumroboter",
        {
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "interkommunale-zusammenarbeit-im-bereich-der-bauhoefe",
        },
    ),
    (
        "tippfehler",
        "Rechnungsprüfumg",
        {
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
        },
    ),
    (
        "tippfehler",
        "Vergabestele",
        {
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
        },
    ),
    (
        "tippfehler",
        "Standesammt",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "tippfehler",
        "Lebensmittelüberwachnug",
        {
            "bergisches-veterinaer-und-lebensmittelueberwachungsamt",
        },
    ),
    (
        "tippfehler",
        "Gleichstelungsbeauftragte",
        {
            "gemeinsame-gleichstellungsbeauftragte-morsbach-reichshof",
        },
    ),
    (
        "tippfehler",
        "Breitbandausbeu",
        {
            "breitbandausbau-weisse-flecken-durch-den-landkreis-osnabrueck",
        },
    ),
    (
        "flexion",
        "Standesämter",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "flexion",
        "Archive",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivgemeinschaft-schwarzenbek",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "flexion",
        "Bauhöfe",
        {
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "interkommunale-zusammenarbeit-im-bereich-der-bauhoefe",
        },
    ),
    (
        "flexion",
        "Gewerbegebiete",
        {
            "interkommunale-gewerbeflaechenkooperation-westliches-ruhrgebiet",
            "interkommunales-gewerbe-und-industriegebiet-oberbehme",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
        },
    ),
    (
        "flexion",
        "Vergabestellen",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "flexion",
        "Leitstellen",
        {
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
        },
    ),
    (
        "flexion",
        "Rechnungsprüfungen",
        {
            "oertliche-rechnungspruefung-der-gemeinde-stadt-juechen-durch-den-rhein-kreis",
            "oertliche-rechnungspruefung-der-stadt-haan-durch-den-kreis-mettmann",
            "oertliche-rechnungspruefung-der-stadt-kaarst-durch-den-rhein-kreis-neuss",
        },
    ),
    (
        "flexion",
        "Zweckverbänden",
        {
            "kommunales-rechenzentrum-niederrhein",
            "region-aachen-zweckverband",
            "zweckverband-entsorgungsregion-west",
            "zweckverband-gewerbepark-weeze-goch",
            "zweckverband-industriepark-ob-der-tauber",
            "zweckverband-interkommunales-gewerbegebiet-nordschwansen",
            "zweckverband-it-kooperation-rheinland",
            "zweckverband-kindliche-bildung-tauberfranken",
            "zweckverband-kommunale-datenverarbeitungszentrale-rhein-erft-rur",
            "zweckverband-suedwestfalen-it",
        },
    ),
    (
        "englisch",
        "registry office",
        {
            "interkommunales-standesamt-merchweiler-illingen-schiffweiler-eppelborn",
            "standesamt-hellweg",
            "standesamt-reinfeld-nordstormarn",
            "standesamtsbezirk-untere-lenne",
        },
    ),
    (
        "englisch",
        "public procurement",
        {
            "atemschutzgeraeteverbund-wetterau",
            "gemeinsame-vergabestelle-neu-isenburg-heusenstamm",
            "interkommunales-vergabezentrum-der-stadt-bad-vilbel",
            "zentrale-vergabestelle-siegburg-fuer-roesrath",
            "zentrale-vergabestelle-wetter-fuer-staedte-im-ennepe-ruhr-kreis",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "englisch",
        "wastewater",
        {
            "gemeinschaftsklaerwerk-neuenkirchen-wettringen",
            "technische-betriebsfuehrung-abwasser-frielendorf-knuellwald-homberg",
        },
    ),
    (
        "englisch",
        "fire brigade",
        {
            "atemschutzgeraeteverbund-wetterau",
            "crossfire-deutsch-niederlaendisches-feuerwehrhaus-bocholt-aalten",
            "feuerwehr-kooperation-kreis-soest",
            "gemeinsame-integrierte-regionalleitstelle-solingen-wuppertal",
            "interkommunale-einsatzkonzepte-wald-vegetationsbraende-und-bahnungluecke",
            "zentraler-atemschutz-pool-maerkischer-kreis",
        },
    ),
    (
        "englisch",
        "waste management",
        {
            "abfallservice-langen-egelsbach-gmbh",
            "entsorgung-von-bioabfaellen-des-kreises-recklinghausen-durch-den-kreis-borken",
            "gemeinsame-bauhoefe-dreieich-neu-isenburg",
            "zweckverband-entsorgungsregion-west",
        },
    ),
    (
        "englisch",
        "archives",
        {
            "archivbetreuung-lohmar-fuer-niederkassel",
            "archivgemeinschaft-schwarzenbek",
            "archivkooperation-kreis-lippe-mit-kreisangehoerigen-kommunen",
            "archivkooperation-lohmar",
            "kreiszentralarchiv-kreis-coesfeld",
        },
    ),
    (
        "englisch",
        "data protection officer",
        {
            "gemeinsamer-datenschutzbeauftragter-im-landkreis-regensburg",
            "gemeinsamer-datenschutzbeauftragter-kreis-coesfeld",
        },
    ),
    (
        "englisch",
        "tourism",
        {
            "kommunale-arbeitsgemeinschaft-baumberge-touristik",
            "leader-region-nordlippe",
            "sauerland-tourismus-ev",
            "tourismus-agentur-nordsee-gmbh",
        },
    ),
    (
        "englisch",
        "broadband",
        {
            "breitbandausbau-weisse-flecken-durch-den-landkreis-osnabrueck",
        },
    ),
    (
        "englisch",
        "payroll",
        {
            "gemeinsame-entgeltabrechnung-kreis-heinsberg",
            "landkreis-miltenberg-dienstleistungszentrum-und-kompetenzzentrum-fuer-kasse",
            "lohnbuchhaltung-der-stadt-wetzlar-fuer-huettenberg-und-sinn",
            "personaldienstleistungen-des-kreises-bergstrasse-fuer-die-gemeinde-rimbach",
            "personalverwaltung-fuer-havixbeck-und-nordkirchen-durch-den-kreis-coesfeld",
        },
    ),
    ("ohne_antwort", "Krematorium", {}),
    ("ohne_antwort", "Seilbahn", {}),
    ("ohne_antwort", "Tierpark", {}),
    ("ohne_antwort", "Musikschule", {}),
    ("ohne_antwort", "Weinbau", {}),
    ("ohne_antwort", "Eisstadion", {}),
    ("ohne_antwort", "Hafenbetrieb", {}),
    ("ohne_antwort", "Xylophon", {}),
]


CLASSES = {
    "exakt": "Verwaltungswort des Steckbriefs",
    "kompositum": "Komposita",
    "alltag": "Alltagswörter",
    "abkuerzung": "Abkürzungen",
    "region": "Regionen",
    "ort": "Orte, Kreise, Länder",
    "teilweise": "ein unbekanntes Wort dabei",
    "tippfehler": "Tippfehler in langen Wörtern",
    "flexion": "Flexion (Plural, Dativ)",
    "englisch": "Englisch",
    "ohne_antwort": "ohne Antwort im Atlas",
}


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kooperationsatlas.settings.dev")
    import django

    django.setup()


def atlas_search():
    from cooperations.models import CooperationPage
    from search.contract import SearchQuery
    from search.service import search

    slugs = dict(CooperationPage.objects.values_list("pk", "slug"))

    def run(text):
        # As the search page and the API ask: with partial matching (relax).
        results = search(SearchQuery(text=text, page_size=SHOWN), relax=True)
        return [slugs.get(hit.page_id, "?") for hit in results.hits], results.notices

    return run


def wagtail_search():
    from cooperations.models import CooperationPage

    def run(text):
        pages = CooperationPage.objects.live().public().search(text)[:SHOWN]
        return [page.slug for page in pages], []

    return run


def evaluate(run):
    rows = []
    for cls, text, relevant in QUERIES:
        shown, notices = run(text)
        found = [slug for slug in shown if slug in relevant]
        first = next((rank for rank, slug in enumerate(shown, 1) if slug in relevant), None)
        rows.append(
            {
                "class": cls,
                "query": text,
                "relevant": len(relevant),
                "shown": len(shown),
                "shown_relevant": len(found),
                "recall": len(found) / min(SHOWN, len(relevant)) if relevant else None,
                "rr": 1 / first if first else 0.0,
                "notice": bool(notices),
                "missed": sorted(set(relevant) - set(shown))[:5],
                "wrong": [slug for slug in shown if slug not in relevant][:5],
            }
        )
    return rows


def figures(rows):
    answered = [r for r in rows if r["relevant"]]
    unanswerable = [r for r in rows if not r["relevant"]]
    shown = sum(r["shown"] for r in answered)
    return {
        "queries": len(rows),
        "recall": sum(r["recall"] for r in answered) / len(answered) if answered else None,
        "mrr": sum(r["rr"] for r in answered) / len(answered) if answered else None,
        "zero_hits": sum(1 for r in answered if not r["shown"]) / len(answered)
        if answered
        else None,
        "precision": sum(r["shown_relevant"] for r in answered) / shown if shown else None,
        "unanswerable_with_hits": sum(1 for r in unanswerable if r["shown"]),
        "unanswerable": len(unanswerable),
    }


def fmt(value, percent=False):
    if value is None:
        return "–"
    return f"{value * 100:.1f} %".replace(".", ",") if percent else f"{value:.3f}".replace(".", ",")


def print_table(name, rows):
    print(f"\n## {name}\n")
    print(
        "| Klasse | Anfragen | recall@10 | MRR | ohne Treffer | Präzision | ohne Antwort: Treffer |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    by_class = defaultdict(list)
    for row in rows:
        by_class[row["class"]].append(row)
    for cls, label in CLASSES.items():
        f = figures(by_class[cls])
        extra = (
            f"{f['unanswerable_with_hits']} von {f['unanswerable']}" if f["unanswerable"] else ""
        )
        print(
            f"| {label} | {f['queries']} | {fmt(f['recall'])} | {fmt(f['mrr'])} | "
            f"{fmt(f['zero_hits'], True)} | {fmt(f['precision'], True)} | {extra} |"
        )
    f = figures(rows)
    print(
        f"| **gesamt** | {f['queries']} | {fmt(f['recall'])} | {fmt(f['mrr'])} | "
        f"{fmt(f['zero_hits'], True)} | {fmt(f['precision'], True)} | "
        f"{f['unanswerable_with_hits']} von {f['unanswerable']} |"
    )
    return f


def print_misses(rows):
    print("\nAnfragen unter Ziel (Atlas): Anfrage – verpasst / falsch gezeigt")
    for row in rows:
        bad_recall = row["recall"] is not None and row["recall"] < 1
        if bad_recall or row["wrong"]:
            missed = ", ".join(row["missed"]) or "–"
            wrong = ", ".join(row["wrong"]) or "–"
            print(f"  [{row['class']}] {row['query']!r}: verpasst {missed}; falsch {wrong}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", help="write all rows and figures to this file")
    args = parser.parse_args(argv)
    setup_django()
    from django.db import connection

    from search.engines import primary_engine

    print(f"# Suchrelevanz, {date.today().isoformat()}")
    print(
        f"Datenbank: {connection.vendor}; Suchmaschine: {primary_engine().name}; "
        f"{len(QUERIES)} Anfragen, davon {sum(1 for q in QUERIES if q[2])} mit Antwort"
    )
    atlas_rows = evaluate(atlas_search())
    baseline_rows = evaluate(wagtail_search())
    atlas = print_table("Atlas-Suche", atlas_rows)
    baseline = print_table("Vergleich: Wagtails Standardsuche", baseline_rows)
    print("\n## Ziele (Atlas-Suche)\n")
    precision = atlas["precision"] or 0.0  # None: nothing shown at all
    checks = [
        ("recall@10 ≥ 0,90", atlas["recall"] >= TARGETS["recall"]),
        ("MRR ≥ 0,90", atlas["mrr"] >= TARGETS["mrr"]),
        ("ohne Treffer ≤ 3 %", atlas["zero_hits"] <= TARGETS["zero_hits"]),
        ("keine Treffer ohne Antwort", atlas["unanswerable_with_hits"] == 0),
        ("Präzision ≥ 85 %", precision >= TARGETS["precision"]),
    ]
    for label, ok in checks:
        print(f"- {label}: {'PASS' if ok else 'FAIL'}")
    print_misses(atlas_rows)
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"atlas": atlas_rows, "baseline": baseline_rows, "figures": [atlas, baseline]},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
