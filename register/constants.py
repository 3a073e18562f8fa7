"""Figures several apps share, defined once.

``MAX_RADIUS_KM``: the largest radius around a municipality that the search, saved
searches, the Börse and the partner search accept (the partner search without a radius
covers all of Germany).

``SIZE_CLASSES``: population size classes (Größenklassen) of municipalities, the search's
facet "Größe der Partner" and the partner suggestions' "gleiche Größenklasse". Their
bounds are Destatis size-class bounds (Gemeindeverzeichnis).
"""

MAX_RADIUS_KM = 300

# (key, label, lower bound); the key is the facet value in URLs and in the search index.
SIZE_CLASSES = [
    ("unter-10000", "unter 10.000 Einw.", 0),
    ("10000-20000", "10.000 bis unter 20.000 Einw.", 10_000),
    ("20000-50000", "20.000 bis unter 50.000 Einw.", 20_000),
    ("50000-100000", "50.000 bis unter 100.000 Einw.", 50_000),
    ("100000-500000", "100.000 bis unter 500.000 Einw.", 100_000),
    ("ab-500000", "500.000 Einw. und mehr", 500_000),
]
SIZE_CLASS_LABELS = {key: label for key, label, _ in SIZE_CLASSES}


def size_class(population):
    """The key of the size class of ``population``."""
    key = SIZE_CLASSES[0][0]
    for class_key, _, lower in SIZE_CLASSES:
        if population >= lower:
            key = class_key
    return key
