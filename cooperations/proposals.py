"""Partners complete their own profile ("Steckbrief ergänzen").

A verified municipal account whose municipality or Kreis is a partner of a profile may
propose changes: text sections, a figure with its source, a contact person with consent.
The proposal is saved as a new revision of the page and submitted into the moderation
workflow (never published here); the proposer is told by mail once the moderation has
published it. Nobody else can propose (``can_propose``).
"""

import logging
import re
from datetime import date

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import strip_tags

from boerse.services import account_of, can_post
from kooperationsatlas import links, mail
from reports.services import plain_text_to_richtext, silence_wagtail_mails_to

from .models import (
    SECTIONS,
    ContactPerson,
    CooperationFigure,
    CooperationPage,
    CooperationSource,
    ProfileProposal,
)

logger = logging.getLogger(__name__)


def is_partner(account, page):
    """Whether the account's municipality or Kreis is a partner of ``page``."""
    if account.municipality_id:
        return page.partners.filter(municipality_id=account.municipality_id).exists()
    return page.partners.filter(county_id=account.county_id).exists()


def can_propose(user, page):
    """A verified municipal account of one of the page's partners."""
    return can_post(user) and is_partner(account_of(user), page)


def plain_text(html):
    """Rich text as the plain text the form shows (paragraphs separated by a blank line)."""
    html = re.sub(r"<br\s*/?>", "\n", html or "")
    html = re.sub(r"</p>\s*", "\n\n", html)
    return strip_tags(html).strip()


def initial_data(page):
    """The form's initial values: the profile's current text sections as plain text."""
    return {name: plain_text(getattr(page, name)) for name, _heading in SECTIONS}


def free_key(taken, prefix="k"):
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    taken.add(f"{prefix}{number}")
    return f"{prefix}{number}"


@transaction.atomic
def submit_proposal(user, page, data):
    """Save the proposed changes as a new revision of ``page`` and start the workflow.

    ``data`` is the cleaned data of ``ProposalForm``. Returns the ProfileProposal."""
    account = account_of(user)
    body = account.body
    body_name = getattr(body, "display_name", None) or body.name
    draft = page.get_latest_revision_as_object()
    sources = list(draft.sources.all())
    taken = {source.key for source in sources if source.key}
    today = date.today()

    changed = [
        name
        for name, _heading in SECTIONS
        if (data.get(name) or "").strip() != plain_text(getattr(draft, name))
    ]
    if changed:
        key = free_key(taken)
        if data.get("source_url"):
            source = CooperationSource(
                key=key,
                url=data["source_url"],
                title=data.get("source_title") or data["source_url"],
                publisher=body_name,
                accessed=today,
            )
        else:
            source = CooperationSource(
                key=key,
                title=f"Angaben von {body_name}",
                publisher=body_name,
                document_reference=(f"Ergänzung über den Kooperationsatlas vom {today:%d.%m.%Y}"),
                published=today.isoformat(),
            )
        sources.append(source)
        for name in changed:
            text = plain_text_to_richtext(data.get(name))
            setattr(draft, name, text)
            setattr(draft, f"{name}_sources", key if text else "")
    if data.get("figure_label"):
        key = free_key(taken)
        sources.append(
            CooperationSource(
                key=key,
                url=data["figure_source_url"],
                title=data["figure_source_title"],
                publisher=body_name,
                accessed=today,
            )
        )
        figures = list(draft.figures.all())
        figures.append(
            CooperationFigure(
                kind=data["figure_kind"],
                label=data["figure_label"],
                value=data["figure_value"],
                unit=data["figure_unit"],
                year=data.get("figure_year"),
                source=key,
                sort_order=len(figures),
            )
        )
        draft.figures = figures
    for position, source in enumerate(sources):
        source.sort_order = position
    draft.sources = sources
    if data.get("contact_name"):
        contacts = list(draft.contacts.all())
        contacts.append(
            ContactPerson(
                name=data["contact_name"],
                function=data.get("contact_function") or "",
                organisation=body_name,
                email=data.get("contact_email") or "",
                phone=data.get("contact_phone") or "",
                public_display=bool(data.get("contact_consent")),
                sort_order=len(contacts),
            )
        )
        draft.contacts = contacts

    revision = draft.save_revision(user=user, log_action=True)
    silence_wagtail_mails_to(user)
    workflow = draft.get_workflow()
    if workflow is not None:
        workflow.start(draft, user)
    return ProfileProposal.objects.create(page=page, proposer=user, revision=revision)


# --- telling the proposer ----------------------------------------------------------------


def notify_published(proposal_id):
    """Mail the proposer once that the profile with their changes is live."""
    claimed = ProfileProposal.objects.filter(
        pk=proposal_id, published_notified_at__isnull=True
    ).update(published_notified_at=timezone.now())
    if not claimed:
        return False
    proposal = ProfileProposal.objects.select_related("proposer", "page").get(pk=proposal_id)
    user = proposal.proposer
    body = render_to_string(
        "cooperations/email/proposal_published.txt",
        {
            "name": user.get_full_name() or user.get_username(),
            "page": proposal.page,
            "url": links.absolute_url(proposal.page.url or "/"),
        },
    )
    subject = f"Ihre Ergänzung ist veröffentlicht: {proposal.page.title}"
    return mail.send(subject, body, [user.email])


def page_published_receiver(sender, instance, revision=None, **kwargs):
    """Tell the proposers whose revision (or an earlier one) has just been published."""
    if not isinstance(instance, CooperationPage) or revision is None:
        return
    pending = ProfileProposal.objects.filter(
        page_id=instance.pk, published_notified_at__isnull=True, revision__pk__lte=revision.pk
    ).values_list("pk", flat=True)
    for proposal_id in list(pending):
        transaction.on_commit(lambda pk=proposal_id: notify_published(pk), robust=True)


def register():
    """Connect the receiver (CooperationsConfig.ready)."""
    from wagtail.signals import page_published

    page_published.connect(page_published_receiver, dispatch_uid="cooperations_proposals")
