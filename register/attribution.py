"""Licence notes that must accompany the register wherever it is shown (see data/SOURCES.md)."""

REGISTER_ATTRIBUTION = (
    "Datenquelle: Statistisches Bundesamt (Destatis), Gemeindeverzeichnis-Informationssystem "
    "GV-ISys (GV100AD, Gebietsstand 31.08.2025; Gemeindeverzeichnis-Auszug 31.12.2024), "
    "© Statistisches Bundesamt (Destatis), 2025, Datenlizenz Deutschland – Namensnennung – "
    "Version 2.0 (www.govdata.de/dl-de/by-2-0); Daten verändert (Auswahl, Umformatierung)."
)

GEOMETRY_ATTRIBUTION = (
    "Geometrie: © Geobasis NRW, Digitale Verwaltungsgrenzen DVG2 (Stand 08.03.2022), "
    "Datenlizenz Deutschland – Zero – Version 2.0; Sachdaten: Statistisches Bundesamt "
    "(Destatis), GV-ISys, dl-de/by-2-0; Daten verändert."
)

LICENCE_URL = "https://www.govdata.de/dl-de/by-2-0"
