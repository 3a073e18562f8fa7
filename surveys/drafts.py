"""Cooperations reported by two or more partners become draft profiles for the editors.

Two submitted answers match when they are for the same task area, both say *gemeinsam*,
and each names the other's body as partner. Matching pairs that share a body form one
cooperation (a group of three where every pair names each other, or a chain). Its draft
profile gets the partners (role "Mitglied": nobody reported who leads), the task area, the
legal form and the start year if all its answers that state one agree, and goes into the
moderation workflow like a report from a municipality (``reports.services``). The
``ReportedCooperation`` row makes proposing idempotent.
"""

from dataclasses import dataclass

from django.db import transaction

from cooperations.models import CooperationPage, CooperationPartner, PartnerRole
from kooperationsatlas.setup import ensure_site_tree
from register.models import County, Municipality
from reports.services import unique_slug

from .models import ReportedCooperation, Response, TaskAnswer


@dataclass(frozen=True)
class Reported:
    task_area: object
    bodies: tuple  # Municipality / County objects, sorted by key
    answers: tuple  # the TaskAnswers of these bodies for the task area
    legal_form: object  # agreed LegalForm or None
    since_year: int | None  # agreed year or None

    @property
    def key(self):
        return ",".join(body_key(body) for body in self.bodies)


def body_key(body):
    return body.ags if isinstance(body, Municipality) else body.key


def _response_body(response):
    return response.municipality or response.county


def _partner_bodies(answer, cities):
    """The register bodies an answer names; a kreisfreie Stadt named as Kreis is the city."""
    found = set(answer.partner_municipalities.all())
    for county in answer.partner_counties.all():
        found.add(cities.get(county.pk, county))
    return found


def _agreed(values):
    distinct = {value for value in values if value is not None}
    return distinct.pop() if len(distinct) == 1 else None


def reported_cooperations(campaign):
    """The cooperations of one campaign reported by at least two of their partners."""
    cities = {
        municipality.county_id: municipality
        for municipality in Municipality.objects.filter(
            kind=Municipality.Kind.KREISFREIE_STADT
        ).select_related("county")
    }
    answers = (
        TaskAnswer.objects.filter(
            response__in=Response.objects.countable().filter(campaign=campaign),
            status=TaskAnswer.Status.JOINT,
        )
        .select_related("response__municipality", "response__county", "task_area", "legal_form")
        .prefetch_related("partner_municipalities", "partner_counties")
        .order_by("task_area_id", "response_id")
    )
    by_area = {}
    for answer in answers:
        by_area.setdefault(answer.task_area, {})[_response_body(answer.response)] = answer
    found = []
    for area, of_body in by_area.items():
        named = {body: _partner_bodies(answer, cities) for body, answer in of_body.items()}
        group_of = {}  # union-find over mutually naming bodies
        for body, partners in named.items():
            for other in partners:
                if other in named and body in named[other]:
                    _union(group_of, body, other)
        groups = {}
        for body in group_of:
            groups.setdefault(_find(group_of, body), []).append(body)
        for members in groups.values():
            members = sorted(members, key=body_key)
            group_answers = tuple(of_body[body] for body in members)
            found.append(
                Reported(
                    task_area=area,
                    bodies=tuple(members),
                    answers=group_answers,
                    legal_form=_agreed(a.legal_form for a in group_answers),
                    since_year=_agreed(a.since_year for a in group_answers),
                )
            )
    return sorted(found, key=lambda r: (r.task_area.name, r.key))


def _find(parent, item):
    parent.setdefault(item, item)
    while parent[item] != item:
        parent[item] = parent[parent[item]]
        item = parent[item]
    return item


def _union(parent, a, b):
    parent[_find(parent, a)] = _find(parent, b)


def _name(body):
    return body.name if isinstance(body, Municipality) else body.display_name


def _names(bodies):
    names = [_name(body) for body in bodies]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " und " + names[-1]


@transaction.atomic
def propose(campaign, reported, user=None):
    """The draft profile for one reported cooperation, in moderation; None if it was
    proposed before (whatever became of that draft)."""
    row, created = ReportedCooperation.objects.get_or_create(
        campaign=campaign, task_area=reported.task_area, bodies=reported.key
    )
    if not created:
        return None
    _, index = ensure_site_tree()
    title = f"{reported.task_area.name}: {_names(reported.bodies)}"[:255]
    page = CooperationPage(
        title=title,
        slug=unique_slug(index, title),
        live=False,
        owner=user,
        summary=(
            f"In der Erhebung „{campaign.title}“ von {len(reported.bodies)} Partnern "
            f"übereinstimmend gemeldet: gemeinsame Aufgabe „{reported.task_area.name}“. "
            "Entwurf für die Redaktion: bitte mit den Partnern klären und Quellen ergänzen."
        )[:500],
        legal_form=reported.legal_form,
        start_year=reported.since_year,
    )
    page.task_areas = [reported.task_area]
    for position, body in enumerate(reported.bodies):
        page.partners.add(
            CooperationPartner(
                municipality=body if isinstance(body, Municipality) else None,
                county=body if isinstance(body, County) else None,
                role=PartnerRole.MEMBER,
                sort_order=position,
            )
        )
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    row.page = page
    row.save(update_fields=["page"])
    return page


def propose_all(campaign, user=None):
    """(proposed pages, number already proposed before) for one campaign."""
    pages, before = [], 0
    for reported in reported_cooperations(campaign):
        page = propose(campaign, reported, user)
        if page is None:
            before += 1
        else:
            pages.append(page)
    return pages, before
