"""The register of German local authorities (Gebietskörperschaften).

Land > Regierungsbezirk > Kreis (or kreisfreie Stadt) > Gemeinde, with the official keys
of the Destatis Gemeindeverzeichnis. Rows are written only by the ``import_register``
command; editors read them.
"""

from functools import lru_cache

from django.db import models
from django.urls import get_script_prefix, reverse
from wagtail.search import index


def register_url(name, key):
    """The URL of a register entry: reversed once per process (``reverse`` costs some 40 µs,
    and a profile, map or register page links up to a few dozen entries, the same few
    thousand on page after page)."""
    return _reversed(name, key, get_script_prefix())


@lru_cache(maxsize=32_768)
def _reversed(name, key, script_prefix):
    return reverse(name, args=[key])


class State(models.Model):
    """A Land (Bundesland)."""

    key = models.CharField("Landesschlüssel", max_length=2, unique=True)
    name = models.CharField("Name", max_length=100, unique=True)

    class Meta:
        ordering = ["key"]
        verbose_name = "Land"
        verbose_name_plural = "Länder"

    def __str__(self):
        return self.name


class AdministrativeDistrict(models.Model):
    """A Regierungsbezirk. Not every Land has them."""

    key = models.CharField("Schlüssel", max_length=3, unique=True)
    name = models.CharField("Name", max_length=100)
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="districts", verbose_name="Land"
    )

    class Meta:
        ordering = ["key"]
        verbose_name = "Regierungsbezirk"
        verbose_name_plural = "Regierungsbezirke"

    def __str__(self):
        return self.name

    @property
    def short_name(self):
        return self.name.removeprefix("Regierungsbezirk ")


class County(index.Indexed, models.Model):
    """A Kreis, Landkreis, Städteregion or kreisfreie Stadt (the Kreis level, 5-digit key)."""

    class Kind(models.TextChoices):
        KREIS = "Kreis", "Kreis"
        LANDKREIS = "Landkreis", "Landkreis"
        STAEDTEREGION = "Städteregion", "Städteregion"
        REGION = "Region", "Region"
        REGIONALVERBAND = "Regionalverband", "Regionalverband"
        KREISFREIE_STADT = "kreisfreie Stadt", "kreisfreie Stadt"

    key = models.CharField("Kreisschlüssel", max_length=5, unique=True)
    name = models.CharField(
        "Name laut Gemeindeverzeichnis", max_length=150, help_text="z. B. „Soest“, „Köln, Stadt“"
    )
    display_name = models.CharField("Anzeigename", max_length=150, help_text="z. B. „Kreis Soest“")
    kind = models.CharField("Art", max_length=20, choices=Kind.choices)
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="counties", verbose_name="Land"
    )
    district = models.ForeignKey(
        AdministrativeDistrict,
        on_delete=models.PROTECT,
        related_name="counties",
        null=True,
        blank=True,
        verbose_name="Regierungsbezirk",
    )
    population = models.PositiveIntegerField("Einwohner", default=0)
    population_date = models.DateField("Stichtag Einwohner", null=True, blank=True)
    area_km2 = models.DecimalField("Fläche (km²)", max_digits=9, decimal_places=2, default=0)

    search_fields = [
        index.SearchField("display_name"),
        index.AutocompleteField("display_name"),
        index.FilterField("key"),
    ]

    class Meta:
        ordering = ["display_name"]
        verbose_name = "Kreis"
        verbose_name_plural = "Kreise"

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return register_url("register:county", self.key)

    @property
    def is_kreisfreie_stadt(self):
        return self.kind == self.Kind.KREISFREIE_STADT


class Municipality(index.Indexed, models.Model):
    """A political municipality (Gemeinde or Stadt) with its official keys and figures."""

    class Kind(models.TextChoices):
        KREISFREIE_STADT = "kreisfreie Stadt", "kreisfreie Stadt"
        KREISANGEHOERIGE_STADT = "kreisangehörige Stadt", "kreisangehörige Stadt"
        GEMEINDE = "Gemeinde", "Gemeinde"

    ags = models.CharField(
        "AGS", max_length=8, unique=True, help_text="Amtlicher Gemeindeschlüssel"
    )
    ars = models.CharField(
        "ARS", max_length=12, unique=True, help_text="Amtlicher Regionalschlüssel"
    )
    name = models.CharField("Name", max_length=150, db_index=True)
    name_official = models.CharField("Amtlicher Name", max_length=200)
    kind = models.CharField("Art", max_length=25, choices=Kind.choices)
    gv_type = models.CharField("Textkennzeichen (GV100AD)", max_length=50)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name="Kreis"
    )
    district = models.ForeignKey(
        AdministrativeDistrict,
        on_delete=models.PROTECT,
        related_name="municipalities",
        null=True,
        blank=True,
        verbose_name="Regierungsbezirk",
    )
    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="municipalities", verbose_name="Land"
    )
    population = models.PositiveIntegerField("Einwohner")
    population_date = models.DateField("Stichtag Einwohner")
    area_km2 = models.DecimalField("Fläche (km²)", max_digits=9, decimal_places=2)
    latitude = models.FloatField("Breite (Mittelpunkt)", null=True, blank=True)
    longitude = models.FloatField("Länge (Mittelpunkt)", null=True, blank=True)
    postcode = models.CharField("Postleitzahl", max_length=5, blank=True)
    boundary = models.JSONField(
        "Gemeindegrenze (GeoJSON-Geometrie, WGS84)", null=True, blank=True, editable=False
    )
    neighbours = models.ManyToManyField(
        "self",
        through="Neighbourhood",
        through_fields=("municipality", "neighbour"),
        symmetrical=False,
        blank=True,
        verbose_name="Nachbarn",
    )

    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.FilterField("ags"),
        index.FilterField("state_id"),
    ]

    class Meta:
        ordering = ["name", "ags"]
        verbose_name = "Gemeinde"
        verbose_name_plural = "Gemeinden"
        indexes = [models.Index(fields=["state", "name"])]

    def __str__(self):
        return f"{self.name} ({self.county.display_name})" if self.county_id else self.name

    def get_absolute_url(self):
        return register_url("register:municipality", self.ags)

    @property
    def county_key(self):
        return self.ags[:5]

    @property
    def population_density(self):
        """Inhabitants per km², or None for a zero area."""
        return round(self.population / float(self.area_km2)) if self.area_km2 else None


# "Exactly one of the two" as a database condition, for BodyReference and its variants.
ONE_BODY = models.Q(municipality__isnull=False, county__isnull=True) | models.Q(
    municipality__isnull=True, county__isnull=False
)
NO_BODY = models.Q(municipality__isnull=True, county__isnull=True)


class BodyReference(models.Model):
    """The one way a model refers to "a municipality or a Kreis" (a body): two nullable
    foreign keys, exactly one of them set (a check constraint; a model that allows
    something else, like a partner that is another organisation, replaces the constraint
    with its own built from ONE_BODY and NO_BODY).

    Used by municipal accounts and access requests, Börse entries, cooperation partners
    and reports. The reverse names are ``<app>_<model>`` (``municipality.boerse_boerseentry``);
    the register is never deleted from while referenced (PROTECT, see the importer).
    """

    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s",
        verbose_name="Gemeinde",
    )
    county = models.ForeignKey(
        County,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="%(app_label)s_%(class)s",
        verbose_name="Kreis",
    )

    class Meta:
        abstract = True
        constraints = [
            models.CheckConstraint(
                name="%(app_label)s_%(class)s_exactly_one_body", condition=ONE_BODY
            )
        ]

    @property
    def body(self):
        """The municipality or Kreis (None only where the model allows neither)."""
        return self.municipality or self.county

    @property
    def body_name(self):
        """The body's name as people write it: "Erwitte", "Kreis Soest"."""
        if self.municipality_id:
            return self.municipality.name
        if self.county_id:
            return self.county.display_name
        return ""

    def body_filter(self, prefix=""):
        """A Q selecting rows that refer to the same body, through ``prefix`` ("entry__")."""
        if self.municipality_id:
            return models.Q(**{f"{prefix}municipality_id": self.municipality_id})
        return models.Q(**{f"{prefix}county_id": self.county_id})

    def same_body(self, other):
        """Whether ``other`` (any BodyReference) refers to the same body."""
        return (self.municipality_id, self.county_id) == (other.municipality_id, other.county_id)

    def refers_to(self, *, municipality=None, county=None):
        """Whether this refers to ``municipality`` or to ``county``."""
        if municipality is not None:
            return self.municipality_id == municipality.pk
        if county is not None:
            return self.county_id == county.pk
        return False


class Neighbourhood(models.Model):
    """A shared border. Stored in both directions so ``municipality.neighbours`` is one query."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="borders")
    neighbour = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="+")
    shared_border_km = models.DecimalField("Gemeinsame Grenze (km)", max_digits=8, decimal_places=3)

    class Meta:
        ordering = ["-shared_border_km"]
        verbose_name = "Nachbarschaft"
        verbose_name_plural = "Nachbarschaften"
        constraints = [
            models.UniqueConstraint(fields=["municipality", "neighbour"], name="unique_border"),
        ]

    def __str__(self):
        return f"{self.municipality.name} – {self.neighbour.name}"


class Region(models.Model):
    """A named region people think in (Sauerland, Ostwestfalen-Lippe …), with its members.

    Regions have no official key: each one says how its membership is defined and where that
    definition comes from. Members are whole Kreise (or kreisfreie Städte) and single
    municipalities where a region covers only part of a Kreis. Rows come from
    ``register/data/regions.json`` through ``import_register``.
    """

    slug = models.SlugField("Kürzel", max_length=60, unique=True)
    name = models.CharField("Name", max_length=100, unique=True)
    aliases = models.JSONField(
        "Andere Namen", default=list, blank=True, help_text="Weitere Namen, unter denen man sucht."
    )
    definition = models.TextField("Abgrenzung")
    sources = models.JSONField("Quellen", default=list)
    counties = models.ManyToManyField(
        County, blank=True, related_name="regions", verbose_name="Kreise"
    )
    municipalities = models.ManyToManyField(
        Municipality, blank=True, related_name="regions", verbose_name="Gemeinden"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = "Region"
        verbose_name_plural = "Regionen"

    def __str__(self):
        return self.name

    @property
    def search_terms(self):
        """The name and the aliases: every way of saying this region."""
        return [self.name, *self.aliases]
