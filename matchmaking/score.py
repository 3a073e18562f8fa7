"""Partner suggestions: a transparent score made of named, weighted components.

Pure Python + numpy, no Django: ``data.py`` builds a ``Snapshot`` from the database, the
views turn requests into ``suggest()`` calls. Every candidate body (municipality or Kreis)
gets, per component, a value in [0, 1]; its points are value × weight and the total is
the sum of the points. Reasons quote only what the snapshot holds (register figures,
published profiles, public Börse entries), so nothing shown is invented.
"""

import json
import math
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from kooperationsatlas.numbers import de_km, de_number
from register.constants import SIZE_CLASS_LABELS, size_class

EARTH_RADIUS_KM = 6371.0088
DISTANCE_SCALE_KM = 25.0  # the distance value falls to 1/e at this distance
BORDER_FULL_KM = 10.0  # a shared border this long (or longer) counts fully
MUNICIPALITY, COUNTY = 0, 1
PROVIDER_ROLES = {"lead", "provider"}
RELATED_AREA_FACTOR = 0.5  # a neighbouring task area (same parent) counts half
ANY_AREA_FACTOR = 0.5  # without a chosen task area, experience anywhere counts half
# Destatis Gemeindegrößenklassen (lower bounds, inhabitants).


MAX_WEIGHT = 10.0
# The weights: fitted by cross-validation on the published profiles (``evaluation.py``,
# ``manage.py fit_matchmaking``), reviewed like code; components without data to fit are
# set by hand in the same file (docs/matchmaking.md).
WEIGHTS_FILE = Path(__file__).resolve().parent / "data" / "weights.json"


@dataclass(frozen=True)
class ComponentSpec:
    name: str
    label: str
    help: str
    fitted: bool = True  # False: no data to fit it on, its weight is set by hand

    @property
    def default_weight(self):
        return DEFAULT_WEIGHTS[self.name]


COMPONENTS = (
    ComponentSpec("distance", "Entfernung", "Nähe der Mittelpunkte: 1 bei 0 km, 0,37 bei 25"),
    ComponentSpec("border", "Gemeinsame Grenze", "grenzt an: 0,5 bis 1 je nach Grenzlänge"),
    ComponentSpec(
        "region",
        "Gleicher Kreis / Regierungsbezirk",
        "1 gleicher Kreis, 0,5 gleicher Regierungsbezirk",
    ),
    ComponentSpec("size", "Ähnliche Größe", "Einwohnerverhältnis: 1 gleich, 0 ab Faktor 10"),
    ComponentSpec("kind", "Gleiche Art", "Gemeinde, kreisangehörige/kreisfreie Stadt, Kreis"),
    ComponentSpec("ties", "Bestehende Zusammenarbeit", "schon gemeinsam in einer Kooperation"),
    ComponentSpec(
        "experience",
        "Erfahrung im Aufgabenbereich",
        "führt (1) oder ist beteiligt an (0,6) einer Kooperation im Aufgabenbereich",
    ),
    ComponentSpec(
        "boerse",
        "Börse",
        "offenes Angebot oder Gesuch in der Kooperationsbörse",
        fitted=False,
    ),
    ComponentSpec(
        "survey",
        "Interesse laut Erhebung",
        "hat in einer Erhebung Interesse oder eine geplante Zusammenarbeit angegeben "
        "(nur mit Zustimmung, genannt zu werden)",
        fitted=False,
    ),
)
COMPONENT_NAMES = tuple(spec.name for spec in COMPONENTS)
FITTED_NAMES = tuple(spec.name for spec in COMPONENTS if spec.fitted)
# Orders of the suggestions: the best ``limit`` by points, shown by points or nearest first.
SORT_SCORE, SORT_DISTANCE = "punkte", "entfernung"
SORTS = (SORT_SCORE, SORT_DISTANCE)


def load_weights(path=WEIGHTS_FILE):
    """{component: weight} from the weights file; every component, each within 0..MAX_WEIGHT."""
    try:
        weights = json.loads(Path(path).read_text(encoding="utf-8"))["weights"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise ScoreError(f"{path}: keine lesbaren Gewichte ({error})") from error
    if not isinstance(weights, dict) or set(weights) != set(COMPONENT_NAMES):
        raise ScoreError(f"{path}: Gewichte müssen genau {', '.join(COMPONENT_NAMES)} nennen")
    for name, weight in weights.items():
        if isinstance(weight, bool) or not isinstance(weight, int | float):
            weight = None
        if weight is None or not 0 <= weight <= MAX_WEIGHT:
            raise ScoreError(
                f"{path}: Gewicht {name!r} muss eine Zahl von 0 bis {MAX_WEIGHT:g} sein"
            )
    return {name: float(weights[name]) for name in COMPONENT_NAMES}


# --- the data the score reads --------------------------------------------------------------


@dataclass(frozen=True)
class Bodies:
    """Every candidate body as parallel arrays: municipalities first, then Kreise.

    A kreisfreie Stadt is one body (its municipality); its Kreis row is not a second one.
    ``county`` holds a register county id (the body itself for a Kreis), ``district`` and
    ``state`` register ids (-1 for none).
    """

    keys: list  # AGS or Kreisschlüssel
    names: list
    kinds: list  # "Gemeinde", "kreisangehörige Stadt", "kreisfreie Stadt", "Kreis", …
    level: np.ndarray  # MUNICIPALITY or COUNTY
    kind_code: np.ndarray
    lat: np.ndarray  # radians, NaN if unknown
    lon: np.ndarray
    population: np.ndarray
    county: np.ndarray
    district: np.ndarray
    state: np.ndarray
    county_names: dict  # county id -> "Kreis Soest"
    district_names: dict  # district id -> "Arnsberg"
    members: dict = field(default_factory=dict)  # Kreis body index -> municipality indices
    borders: dict = field(default_factory=dict)  # municipality index -> {index: km}

    def __len__(self):
        return len(self.keys)

    @cached_property
    def index(self):
        return {key: i for i, key in enumerate(self.keys)}

    @cached_property
    def cos_lat(self):
        return np.cos(self.lat)

    @cached_property
    def home_county_body(self):
        """municipality index -> index of its Kreis body (absent for kreisfreie Städte)."""
        by_county = {int(self.county[i]): i for i in self.members}
        return {
            m: by_county[int(self.county[m])]
            for m in range(len(self))
            if self.level[m] == MUNICIPALITY and int(self.county[m]) in by_county
        }


@dataclass(frozen=True)
class Cooperation:
    id: int
    title: str
    task_areas: frozenset
    members: tuple  # ((body index, role), …)


@dataclass(frozen=True)
class BoerseEntry:
    id: int
    kind: str  # "angebot" or "gesuch"
    title: str
    task_areas: frozenset
    body: int
    radius_km: float | None = None
    counties: frozenset = frozenset()  # register county ids of the sought region


@dataclass(frozen=True)
class SurveyInterest:
    """A body that said in a campaign it plans or wants to cooperate in a task area, and
    agreed to be named for it."""

    body: int
    task_area: int
    planned: bool  # "geplant" (else "Interesse")
    campaign: str  # the campaign's title


@dataclass(frozen=True)
class Snapshot:
    bodies: Bodies
    cooperations: tuple = ()
    entries: tuple = ()
    interests: tuple = ()  # SurveyInterest, of the latest campaign with results
    area_names: dict = field(default_factory=dict)  # task area id -> name
    area_parents: dict = field(default_factory=dict)  # task area id -> parent id or None
    version: tuple = ()

    @cached_property
    def cooperations_of(self):
        found = {}
        for position, cooperation in enumerate(self.cooperations):
            for body, _ in cooperation.members:
                found.setdefault(body, []).append(position)
        return found

    @cached_property
    def memberships_of(self):
        """body -> [(cooperation position, role)], in cooperation and member order."""
        found = {}
        for position, cooperation in enumerate(self.cooperations):
            for body, role in cooperation.members:
                found.setdefault(body, []).append((position, role))
        return found

    @cached_property
    def positions_by_area(self):
        """task area id -> positions of the cooperations that name it."""
        found = {}
        for position, cooperation in enumerate(self.cooperations):
            for area in cooperation.task_areas:
                found.setdefault(area, []).append(position)
        return found

    @cached_property
    def _role_arrays(self):
        return {}  # task area id (or None for "any area") -> array, filled by role_factors()

    def role_factors(self, area=None):
        """Per body, the best role factor (1 provider/lead, 0.6 other) in a cooperation naming
        ``area`` (any area for None); 0 for bodies in none. Kept per snapshot: it depends
        only on the published profiles, not on the query."""
        arrays = self._role_arrays
        found = arrays.get(area)
        if found is None:
            best = [0.0] * len(self.bodies)
            if area is None:
                positions = range(len(self.cooperations))
            else:
                positions = self.positions_by_area.get(area, ())
            cooperations = self.cooperations
            for position in positions:
                cooperation = cooperations[position]
                if area is None and not cooperation.task_areas:
                    continue
                for body, role in cooperation.members:
                    factor = 1.0 if role in PROVIDER_ROLES else 0.6
                    if factor > best[body]:
                        best[body] = factor
            found = arrays[area] = np.array(best)
        return found

    def without_membership(self, cooperation_id, body):
        """The same snapshot with one membership hidden (for leave-one-out)."""
        cooperations = tuple(
            replace(c, members=tuple(m for m in c.members if m[0] != body))
            if c.id == cooperation_id
            else c
            for c in self.cooperations
        )
        hidden = replace(self, cooperations=cooperations)
        if "positions_by_area" in self.__dict__:
            # Same cooperations at the same positions with the same task areas.
            hidden.__dict__["positions_by_area"] = self.positions_by_area
        return hidden

    def expand_areas(self, areas):
        """(chosen areas with all their descendants, neighbouring areas under the same parent)."""
        children = {}
        for area, parent in self.area_parents.items():
            children.setdefault(parent, []).append(area)
        matched, frontier = set(areas), list(areas)
        while frontier:
            frontier = [c for a in frontier for c in children.get(a, ()) if c not in matched]
            matched.update(frontier)
        related = set()
        for area in areas:
            parent = self.area_parents.get(area)
            if parent is not None:
                related.add(parent)
                related.update(children.get(parent, ()))
        return frozenset(matched), frozenset(related - matched)


# --- results -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    name: str
    label: str
    value: float
    weight: float
    reason: str

    @property
    def points(self):
        return self.value * self.weight


@dataclass(frozen=True)
class Suggestion:
    rank: int
    body: int
    key: str
    name: str
    kind: str
    distance_km: float
    score: float
    components: tuple


class ScoreError(ValueError):
    """Input the score cannot work with (the views turn it into a 400)."""


DEFAULT_WEIGHTS = load_weights()


# --- helpers -------------------------------------------------------------------------------


def distances_km(bodies, query):
    """Great-circle distance of every body's centre from the query's centre."""
    lat0, lon0 = bodies.lat[query], bodies.lon[query]
    dlat = bodies.lat - lat0
    dlon = bodies.lon - lon0
    a = np.sin(dlat / 2) ** 2 + np.cos(lat0) * bodies.cos_lat * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def _municipalities_of(bodies, body):
    return bodies.members.get(body, (body,))


def shared_borders(bodies, query):
    """{body index: shared border km} for bodies bordering the query (Kreise aggregated)."""
    inside = set(_municipalities_of(bodies, query))
    home = bodies.home_county_body
    own_county = home.get(query)
    found = {}
    for m in inside:
        for other, km in bodies.borders.get(m, {}).items():
            if other in inside:
                continue
            found[other] = found.get(other, 0.0) + km
            county = home.get(other)
            if county is not None and county not in (query, own_county):
                found[county] = found.get(county, 0.0) + km
    return found


def _matches(entry_areas, matched, related, any_area):
    """1 for a chosen area, RELATED_AREA_FACTOR for a neighbouring one, 0 otherwise."""
    if any_area:
        return ANY_AREA_FACTOR if entry_areas else 0.0
    if entry_areas & matched:
        return 1.0
    if entry_areas & related:
        return RELATED_AREA_FACTOR
    return 0.0


def _area_text(snapshot, areas, matched):
    shown = sorted(areas & matched or areas)
    names = [snapshot.area_names[a] for a in shown if a in snapshot.area_names]
    return ", ".join(names)


class _PerBody(dict):
    """body -> value, each computed on first access."""

    def __init__(self, compute):
        super().__init__()
        self._compute = compute

    def __missing__(self, body):
        value = self[body] = self._compute(body)
        return value


# --- the components ------------------------------------------------------------------------


class Scorer:
    """All component values for one query, as arrays over all bodies, plus their reasons."""

    def __init__(self, snapshot, query, task_areas=(), weights=None, radius_km=None, exclude=()):
        bodies = snapshot.bodies
        if not 0 <= query < len(bodies):
            raise ScoreError("unknown query body")
        if math.isnan(bodies.lat[query]):
            raise ScoreError(f"Für {bodies.names[query]} ist kein Mittelpunkt bekannt.")
        unknown = [a for a in task_areas if a not in snapshot.area_names]
        if unknown:
            raise ScoreError(f"unknown task areas: {unknown}")
        self.weights = dict(DEFAULT_WEIGHTS)
        for name, weight in (weights or {}).items():
            if name not in DEFAULT_WEIGHTS:
                raise ScoreError(f"unknown component {name!r}")
            if not 0 <= weight <= MAX_WEIGHT:
                raise ScoreError(f"weight {name!r} outside 0..{MAX_WEIGHT:g}")
            self.weights[name] = float(weight)
        self.snapshot, self.bodies, self.query = snapshot, bodies, query
        self.task_areas = frozenset(task_areas)
        self.matched, self.related = snapshot.expand_areas(self.task_areas)
        self.any_area = not self.task_areas
        n = len(bodies)

        self.distance = np.nan_to_num(distances_km(bodies, query), nan=np.inf)
        self.values = {}
        self.values["distance"] = np.exp(-self.distance / DISTANCE_SCALE_KM)

        self.borders = shared_borders(bodies, query)
        border = np.zeros(n)
        for body, km in self.borders.items():
            border[body] = 0.5 + 0.5 * min(km / BORDER_FULL_KM, 1.0)
        self.values["border"] = border

        same_county = bodies.county == bodies.county[query]
        same_district = (bodies.district == bodies.district[query]) & (bodies.district >= 0)
        self.values["region"] = np.where(same_county, 1.0, np.where(same_district, 0.5, 0.0))

        population = np.maximum(bodies.population, 1.0)
        ratio = np.abs(np.log10(population / max(bodies.population[query], 1.0)))
        self.values["size"] = np.clip(1.0 - ratio, 0.0, 1.0)
        self.values["kind"] = (bodies.kind_code == bodies.kind_code[query]).astype(float)

        self.ties = {}  # body -> [cooperation titles shared with the query]
        # body -> [titles of the query's cooperations in the chosen task areas]: partners the
        # query already has for this task; listed apart, never suggested.
        self.area_partners = {}
        for position in snapshot.cooperations_of.get(query, ()):
            cooperation = snapshot.cooperations[position]
            in_area = not self.any_area and bool(cooperation.task_areas & self.matched)
            for body, _ in cooperation.members:
                if body != query:
                    self.ties.setdefault(body, []).append(cooperation.title)
                    if in_area:
                        self.area_partners.setdefault(body, []).append(cooperation.title)
        ties = np.zeros(n)
        for body, titles in self.ties.items():
            ties[body] = 1.0 if len(titles) > 1 else 0.75
        self.values["ties"] = ties

        # body -> [(value, role, cooperation)], worked out only for the bodies explained.
        self.experience = _PerBody(self._experience_of)
        # The best value per body is factor × role factor, maximised over the cooperations:
        # the same as the factor times the best role factor per task area.
        if self.any_area:
            experience = ANY_AREA_FACTOR * snapshot.role_factors(None)
        else:
            experience = np.zeros(n)
            for area in self.matched:
                if area in snapshot.positions_by_area:
                    np.maximum(experience, snapshot.role_factors(area), out=experience)
            related = np.zeros(n)
            for area in self.related:
                if area in snapshot.positions_by_area:
                    np.maximum(related, snapshot.role_factors(area), out=related)
            np.maximum(experience, RELATED_AREA_FACTOR * related, out=experience)
        self.values["experience"] = experience

        self.entries = {}  # body -> [(value, entry)]
        for entry in snapshot.entries:
            factor = _matches(entry.task_areas, self.matched, self.related, self.any_area)
            if factor and self._entry_reaches_query(entry):
                self.entries.setdefault(entry.body, []).append((factor, entry))
        boerse = np.zeros(n)
        for body, items in self.entries.items():
            boerse[body] = max(value for value, _ in items)
        self.values["boerse"] = boerse

        self.interests = {}  # body -> [(value, SurveyInterest)]
        for interest in snapshot.interests:
            if interest.body == query:
                continue
            factor = _matches(
                frozenset((interest.task_area,)), self.matched, self.related, self.any_area
            )
            if factor:
                self.interests.setdefault(interest.body, []).append((factor, interest))
        survey = np.zeros(n)
        for body, items in self.interests.items():
            survey[body] = max(value for value, _ in items)
        self.values["survey"] = survey

        self.total = sum(self.values[name] * self.weights[name] for name in COMPONENT_NAMES)
        self.eligible = np.isfinite(self.distance)
        self.eligible[query] = False
        # Bodies the caller already has as partners, and partners in the chosen task areas.
        for body in exclude:
            self.eligible[body] = False
        for body in self.area_partners:
            self.eligible[body] = False
        if radius_km is not None:
            self.eligible &= self.distance <= radius_km

    def _experience_of(self, body):
        """[(value, role, cooperation)] of one body, in cooperation and member order."""
        cooperations, items = self.snapshot.cooperations, []
        matched, related, any_area = self.matched, self.related, self.any_area
        for position, role in self.snapshot.memberships_of.get(body, ()):
            cooperation = cooperations[position]
            factor = _matches(cooperation.task_areas, matched, related, any_area)
            if factor:
                value = factor * (1.0 if role in PROVIDER_ROLES else 0.6)
                items.append((value, role, cooperation))
        return items

    def _entry_reaches_query(self, entry):
        """An entry limited to a region counts only if the query lies in that region."""
        if entry.body == self.query:
            return False
        if entry.radius_km is None and not entry.counties:
            return True
        if entry.counties and int(self.bodies.county[self.query]) in entry.counties:
            return True
        if entry.radius_km is not None:
            return bool(self.distance[entry.body] <= entry.radius_km)
        return False

    def order(self, scores=None):
        """Eligible body indices, best first (ties: nearer first, then key)."""
        scores = self.total if scores is None else scores
        candidates = np.flatnonzero(self.eligible)
        keys = np.array(self.bodies.keys, dtype=object)[candidates]
        ranking = np.lexsort((keys, self.distance[candidates], -scores[candidates]))
        return candidates[ranking]

    def top(self, limit, sort=SORT_SCORE):
        """The best ``limit`` eligible bodies without sorting all of them; with
        ``sort=SORT_DISTANCE`` the same bodies nearest first."""
        if sort not in SORTS:
            raise ScoreError(f"unknown sort {sort!r}")
        candidates = np.flatnonzero(self.eligible)
        if len(candidates) > limit * 4:
            scores = self.total[candidates]
            keep = np.argpartition(-scores, limit * 4)[: limit * 4]
            candidates = candidates[keep]
        ranking = np.lexsort((self.distance[candidates], -self.total[candidates]))
        best = [int(i) for i in candidates[ranking][:limit]]
        if sort == SORT_DISTANCE:
            best.sort(key=lambda body: (self.distance[body], self.bodies.keys[body]))
        return best

    def existing_partners(self):
        """[(body, distance km, [cooperation titles])] of the query's partners in the chosen
        task areas, nearest first (empty without a chosen task area)."""
        found = [
            (body, round(float(self.distance[body]), 1), list(dict.fromkeys(titles)))
            for body, titles in self.area_partners.items()
        ]
        return sorted(found, key=lambda item: (item[1], self.bodies.keys[item[0]]))

    # --- explanations ------------------------------------------------------------------------

    def reason(self, name, body):
        b, q, query_name = self.bodies, self.query, self.bodies.names[self.query]
        value = self.values[name][body]
        if name == "distance":
            # A Kreis has no official centre: say which point is used.
            basis = (
                "Luftlinie; Kreise: Bevölkerungsschwerpunkt ihrer Gemeinden"
                if COUNTY in (b.level[body], b.level[q])
                else "Luftlinie zwischen den Mittelpunkten"
            )
            return f"{de_km(self.distance[body])} km von {query_name} entfernt ({basis})"
        if not value:
            return ""
        if name == "border":
            return f"grenzt an {query_name} ({de_km(self.borders[body])} km gemeinsame Grenze)"
        if name == "region":
            county = b.county_names.get(int(b.county[q]), "")
            if value == 1.0:
                if b.level[body] == COUNTY:
                    return f"Kreis, zu dem {query_name} gehört"
                if b.level[q] == COUNTY:
                    return f"gehört zum {county}"
                return f"ebenfalls im {county}"
            return f"ebenfalls im Regierungsbezirk {b.district_names.get(int(b.district[q]), '')}"
        if name == "size":
            ours, theirs = b.population[q], b.population[body]
            text = f"({de_number(theirs, 0)} / {de_number(ours, 0)} Einw.)"
            cls = size_class(theirs)
            same_class = cls == size_class(ours) and b.level[body] == b.level[q] == MUNICIPALITY
            text = f"ähnliche Größe {text}" if value >= 0.5 else f"Größe {text}"
            if same_class:
                text += f", gleiche Größenklasse ({SIZE_CLASS_LABELS[cls]})"
            return text
        if name == "kind":
            return f"ebenfalls {b.kinds[body]}"
        if name == "ties":
            titles = list(dict.fromkeys(self.ties[body]))
            return (
                "bereits Partner "
                + ("im " if len(titles) == 1 else "in: ")
                + ", ".join(f"„{t}“" for t in titles)
            )
        if name == "experience":
            parts = []
            for _, role, cooperation in sorted(self.experience[body], key=lambda x: -x[0])[:3]:
                areas = _area_text(self.snapshot, cooperation.task_areas, self.matched)
                verb = {"lead": "federführend in", "provider": "Dienstleister in"}.get(
                    role, "beteiligt an"
                )
                parts.append(f"{verb} „{cooperation.title}“ ({areas})")
            return "; ".join(parts)
        if name == "boerse":
            parts = []
            for _, entry in sorted(self.entries[body], key=lambda x: -x[0])[:3]:
                areas = _area_text(self.snapshot, entry.task_areas, self.matched)
                if entry.kind == "gesuch":
                    parts.append(f"sucht in der Börse Partner für {areas} („{entry.title}“)")
                else:
                    parts.append(f"bietet in der Börse {areas} an („{entry.title}“)")
            return "; ".join(parts)
        if name == "survey":
            found = sorted(self.interests[body], key=lambda x: (-x[0], x[1].task_area))
            campaign = found[0][1].campaign
            areas = ", ".join(
                dict.fromkeys(self.snapshot.area_names.get(i.task_area, "") for _, i in found[:3])
            )
            kinds = {i.planned for _, i in found[:3]}
            said = (
                "plant eine Zusammenarbeit bei"
                if kinds == {True}
                else "hat Interesse an Zusammenarbeit bei"
            )
            return f"{said} {areas} (Erhebung „{campaign}“)"
        return ""

    def explain(self, body, rank):
        components = tuple(
            Component(
                name=spec.name,
                label=spec.label,
                value=round(float(self.values[spec.name][body]), 3),
                weight=self.weights[spec.name],
                reason=self.reason(spec.name, body),
            )
            for spec in COMPONENTS
        )
        return Suggestion(
            rank=rank,
            body=body,
            key=self.bodies.keys[body],
            name=self.bodies.names[body],
            kind=self.bodies.kinds[body],
            distance_km=round(float(self.distance[body]), 1),
            score=round(float(self.total[body]), 3),
            components=components,
        )


def suggest(
    snapshot,
    query,
    task_areas=(),
    weights=None,
    radius_km=None,
    limit=20,
    exclude=(),
    sort=SORT_SCORE,
):
    """The best ``limit`` partners for body ``query``, each with its explained components;
    ranks follow the order shown (``sort``)."""
    scorer = Scorer(snapshot, query, task_areas, weights, radius_km, exclude)
    return [
        scorer.explain(body, rank) for rank, body in enumerate(scorer.top(limit, sort), start=1)
    ]
