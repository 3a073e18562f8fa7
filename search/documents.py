"""The search document: built from a profile in exactly one place, ``build_document``.

Every engine indexes these dicts; hits carry them back so result lists never have to load
the pages again.
"""

from django.db.models import Prefetch
from django.utils.html import strip_tags

from cooperations.models import CooperationPage, CooperationPartner
from register.geo import county_centre

from .facets import FACETS

RICH_TEXT_FIELDS = [
    "occasion",
    "goal",
    "implementation",
    "results",
    "success_factors",
    "pitfalls",
    "transferability",
]


def indexable_profiles():
    """Live, public profiles with everything ``build_document`` reads, in few queries."""
    partners = (
        CooperationPartner.objects.select_related(
            "municipality__county",
            "municipality__district",
            "municipality__state",
            "county__district",
            "county__state",
        )
        # The boundary GeoJSON is large and not needed here: decoding it dominated reindexing.
        .defer("municipality__boundary")
        .prefetch_related(
            "municipality__regions", "municipality__county__regions", "county__regions"
        )
        .order_by("sort_order", "pk")
    )
    return (
        CooperationPage.objects.live()
        .public()
        .select_related("legal_form__parent__parent", "cooperation_model")
        .prefetch_related(
            Prefetch("partners", queryset=partners),
            "task_areas__parent__parent",
            "motives",
            "tags",
            "facts",
            "funding",
        )
        .order_by("pk")
    )


def partner_location(partner):
    if partner.municipality_id and partner.municipality.latitude is not None:
        return (partner.municipality.latitude, partner.municipality.longitude)
    if partner.county_id:
        return county_centre(partner.county_id)
    return None


def partner_places(partner):
    """Names of the places a partner lies in, as people search for them: the Kreis,
    Regierungsbezirk and Land of a municipality or Kreis and the named regions it belongs
    to, with their other names (register.regions: a municipality is in a region if it or
    its Kreis is a member). The partner's own name is in ``partners`` already."""
    municipality, county = partner.municipality, partner.county
    if municipality is not None:
        county = municipality.county
        district, state = municipality.district, municipality.state
        regions = [*municipality.regions.all(), *(county.regions.all() if county else [])]
    elif county is not None:
        district, state = county.district, county.state
        regions = list(county.regions.all())
    else:
        return []
    names = [str(county) if county is not None and municipality is not None else ""]
    names += [district.name if district else "", state.name if state else ""]
    for region in sorted(set(regions), key=lambda region: region.name):
        names += [region.name, *region.aliases]
    return [name for name in names if name]


def build_document(page):
    """The search document of one profile. ``page`` should come from indexable_profiles()."""
    partners = list(page.partners.all())
    task_areas = list(page.task_areas.all())
    body_parts = [page.summary]
    body_parts += [strip_tags(getattr(page, name)) for name in RICH_TEXT_FIELDS]
    body_parts += [fact.text for fact in page.facts.all()]
    body_parts += [page.open_questions, page.legal_form_note, page.status_note]
    places = []
    for partner in partners:
        for name in partner_places(partner):
            if name not in places:
                places.append(name)
    locations = []
    for partner in partners:
        location = partner_location(partner)
        if location and list(location) not in locations:
            locations.append(list(location))
    return {
        "id": page.pk,
        "title": page.title,
        "url": page.url,
        "summary": page.summary,
        "body": "\n".join(part for part in body_parts if part),
        "partners": [partner.name for partner in partners],
        # Where the partners are (Kreis, Regierungsbezirk, Land, regions): a place query
        # finds a profile with a partner there, ranked below the profile's own text.
        "places": places,
        # Names a user might type: terms, forms and models are searched as text too.
        "keywords": [term.name for term in task_areas]
        + [name for name in (_name(page.legal_form), _name(page.cooperation_model)) if name]
        + sorted(tag.name for tag in page.tags.all()),
        "published_at": page.first_published_at.isoformat() if page.first_published_at else None,
        "start_year": page.start_year,
        "partner_count": len(partners),
        "locations": locations,
        "facets": {facet.key: facet.values_of(page, partners) for facet in FACETS},
        "display": {
            "task_areas": [term.name for term in task_areas],
            "legal_form": _name(page.legal_form),
            "cooperation_model": _name(page.cooperation_model),
            "phase": page.get_phase_display() if page.phase else "",
            "start_year": page.start_year,
            "partners": [partner.name for partner in partners][:8],
        },
    }


def _name(term):
    """A term with its ancestors ("Öffentlich-rechtliche Vereinbarung › delegierend")."""
    return str(term) if term is not None else ""
