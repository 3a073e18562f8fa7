"""The snapshot the score reads: register, published profiles, public Börse entries.

Building it takes about 0.1 s (10,751 municipalities); a request then only scores
arrays. Each process keeps it while the page cache's content generation stays the same
(``caching.in_process``: publishing, a register change, a task area or a Börse entry saved
or deleted each start a new generation) and for one day (Börse entries expire by date).
"""

import math

import numpy as np
from django.utils import timezone

from boerse.models import BoerseEntry as BoerseEntryModel
from cooperations.models import CooperationPage, CooperationPartner, TaskArea
from kooperationsatlas import caching
from register.models import County, Municipality, Neighbourhood
from surveys.models import Response, TaskAnswer
from surveys.results import latest_campaign

from . import score

COUNTY_KIND = "Kreis"  # every Kreis-level body that is not a kreisfreie Stadt compares as one kind


def get_snapshot(request=None):
    """The snapshot of the current content: built once per process, content generation
    and day."""
    today = timezone.localdate()
    return caching.in_process(
        ("matchmaking-snapshot", today), lambda: build_snapshot((today,)), request
    )


def build_bodies():
    rows = list(
        Municipality.objects.order_by("id").values_list(
            "id",
            "ags",
            "name",
            "kind",
            "county_id",
            "district_id",
            "state_id",
            "population",
            "latitude",
            "longitude",
        )
    )
    counties = list(
        County.objects.select_related("district")
        .order_by("key")
        .values_list(
            "id",
            "key",
            "display_name",
            "kind",
            "district_id",
            "state_id",
            "population",
            "district__name",
        )
    )
    kreisfrei = {cid for cid, _, _, kind, *_ in counties if kind == County.Kind.KREISFREIE_STADT}
    county_names = {cid: name for cid, _, name, *_ in counties}
    district_names = {
        did: (dname or "").removeprefix("Regierungsbezirk ")
        for _, _, _, _, did, _, _, dname in counties
        if did is not None
    }

    keys, names, kinds, level = [], [], [], []
    lat, lon, population, county, district, state = [], [], [], [], [], []
    municipality_index, members = {}, {}
    for mid, ags, name, kind, cid, did, sid, pop, la, lo in rows:
        municipality_index[mid] = len(keys)
        keys.append(ags)
        names.append(name)
        kinds.append(kind)
        level.append(score.MUNICIPALITY)
        lat.append(math.radians(la) if la is not None else math.nan)
        lon.append(math.radians(lo) if lo is not None else math.nan)
        population.append(pop)
        county.append(cid)
        district.append(did if did is not None else -1)
        state.append(sid)
        members.setdefault(cid, []).append(len(keys) - 1)

    lat_a, lon_a, pop_a = np.array(lat), np.array(lon), np.array(population, dtype=float)
    county_members = {}
    for cid, key, display_name, _kind, did, sid, pop, _ in counties:
        inside = members.get(cid, [])
        if cid in kreisfrei or not inside:
            continue  # a kreisfreie Stadt is its municipality body
        idx = np.array(inside)
        weights = np.where(np.isnan(lat_a[idx]), 0.0, np.maximum(pop_a[idx], 1.0))
        # The Kreis sits at its population-weighted centre: where its people live.
        if weights.sum():
            la = float(np.nansum(lat_a[idx] * weights) / weights.sum())
            lo = float(np.nansum(lon_a[idx] * weights) / weights.sum())
        else:
            la = lo = math.nan
        county_members[len(keys)] = tuple(inside)
        keys.append(key)
        names.append(display_name)
        kinds.append(COUNTY_KIND)
        level.append(score.COUNTY)
        lat.append(la)
        lon.append(lo)
        population.append(pop or int(pop_a[idx].sum()))
        county.append(cid)
        district.append(did if did is not None else -1)
        state.append(sid)

    kind_codes = {kind: code for code, kind in enumerate(sorted(set(kinds)))}
    borders = {}
    for a, b, km in Neighbourhood.objects.values_list(
        "municipality_id", "neighbour_id", "shared_border_km"
    ):
        if a in municipality_index and b in municipality_index:
            borders.setdefault(municipality_index[a], {})[municipality_index[b]] = float(km)

    return score.Bodies(
        keys=keys,
        names=names,
        kinds=kinds,
        level=np.array(level),
        kind_code=np.array([kind_codes[k] for k in kinds]),
        lat=np.array(lat),
        lon=np.array(lon),
        population=np.array(population, dtype=float),
        county=np.array(county),
        district=np.array(district),
        state=np.array(state),
        county_names=county_names,
        district_names=district_names,
        members=county_members,
        borders=borders,
    )


def body_index_for(bodies, municipality_ags=None, county_key=None):
    """The body of a register row; a kreisfreie Stadt's Kreis row maps to its municipality."""
    if municipality_ags:
        return bodies.index.get(municipality_ags)
    if county_key:
        found = bodies.index.get(county_key)
        if found is None:
            found = bodies.index.get(county_key + "000")
        return found
    return None


def build_snapshot(version=()):
    bodies = build_bodies()
    pages = {
        page_id: (title, set())
        # public(): a password- or login-restricted profile is never suggested or named
        for page_id, title in CooperationPage.objects.live().public().values_list("id", "title")
    }
    for page_id, area_id in CooperationPage.task_areas.through.objects.filter(
        cooperationpage_id__in=pages
    ).values_list("cooperationpage_id", "taskarea_id"):
        pages[page_id][1].add(area_id)
    members = {}
    for page_id, ags, county_key, role in (
        CooperationPartner.objects.filter(page_id__in=pages)
        .order_by("page_id", "sort_order", "id")
        .values_list("page_id", "municipality__ags", "county__key", "role")
    ):
        body = body_index_for(bodies, ags, county_key)
        if body is not None and body not in {b for b, _ in members.get(page_id, ())}:
            members.setdefault(page_id, []).append((body, role))
    cooperations = tuple(
        score.Cooperation(
            id=page_id,
            title=title,
            task_areas=frozenset(areas),
            members=tuple(members.get(page_id, ())),
        )
        for page_id, (title, areas) in sorted(pages.items())
    )

    public = BoerseEntryModel.objects.public().select_related("municipality", "county")
    entries = []
    for entry in public.prefetch_related("task_areas", "region_counties"):
        body = body_index_for(
            bodies,
            entry.municipality.ags if entry.municipality_id else None,
            entry.county.key if entry.county_id else None,
        )
        if body is None:
            continue
        entries.append(
            score.BoerseEntry(
                id=entry.pk,
                kind=entry.kind,
                title=entry.title,
                task_areas=frozenset(area.pk for area in entry.task_areas.all()),
                body=body,
                radius_km=entry.region_radius_km,
                counties=frozenset(c.pk for c in entry.region_counties.all()),
            )
        )

    areas = list(TaskArea.objects.values_list("id", "name", "parent_id"))
    return score.Snapshot(
        bodies=bodies,
        cooperations=cooperations,
        entries=tuple(entries),
        interests=survey_interests(bodies),
        area_names={a: name for a, name, _ in areas},
        area_parents={a: parent for a, _, parent in areas},
        version=version,
    )


def survey_interests(bodies):
    """Who plans or wants to cooperate in which task area, from the submitted answers of
    the latest campaign with results, of the bodies that agreed to be named for it."""
    campaign = latest_campaign()
    if campaign is None:
        return ()
    answers = TaskAnswer.objects.filter(
        response__in=Response.objects.countable().filter(campaign=campaign, interest_public=True),
        status__in=(TaskAnswer.Status.PLANNED, TaskAnswer.Status.INTERESTED),
    ).values_list("response__municipality__ags", "response__county__key", "task_area_id", "status")
    found = []
    for ags, county_key, area, status in answers.order_by("response_id", "task_area_id"):
        body = body_index_for(bodies, ags, county_key)
        if body is not None:
            found.append(
                score.SurveyInterest(
                    body=body,
                    task_area=area,
                    planned=status == TaskAnswer.Status.PLANNED,
                    campaign=campaign.title,
                )
            )
    return tuple(found)
