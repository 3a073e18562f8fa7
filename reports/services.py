"""Turning a valid report into a draft profile in the moderation workflow, and its status."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, TaskState, WorkflowState
from wagtail.users.models import UserProfile

from cooperations.models import CooperationPage, CooperationPartner, CooperationSource
from kooperationsatlas import slugs
from kooperationsatlas.setup import ensure_site_tree

from .models import Report


def plain_text_to_richtext(text):
    """Plain text from a reporter as safe rich text: escaped paragraphs, never raw HTML."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    paragraphs = [p for p in re.split(r"\n\s*\n", text) if p.strip()]
    return "".join(
        "<p>" + "<br/>".join(escape(line.strip()) for line in p.split("\n")) + "</p>"
        for p in paragraphs
    )


def unique_slug(parent, title):
    base = (slugs.slugify(title) or "kooperation")[:200].strip("-") or "kooperation"
    taken = set(
        Page.objects.child_of(parent).filter(slug__startswith=base).values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


def silence_wagtail_mails_to(user):
    """A reporter without admin access gets this app's German mails instead of Wagtail's,
    whose links lead into the admin they cannot open."""
    if user.has_perm("wagtailadmin.access_admin"):
        return
    profile = UserProfile.get_for_user(user)
    if profile.approved_notifications or profile.rejected_notifications:
        profile.approved_notifications = False
        profile.rejected_notifications = False
        profile.save(update_fields=["approved_notifications", "rejected_notifications"])


@transaction.atomic
def create_report(user, account, data, partners):
    """Create the draft profile, start the workflow and record the report.

    The page is never published here: live=False, one revision, workflow in progress.
    """
    _, index = ensure_site_tree()
    page = CooperationPage(
        title=data["title"],
        slug=unique_slug(index, data["title"]),
        live=False,
        owner=user,
        summary=data["summary"],
        occasion=plain_text_to_richtext(data.get("occasion")),
        goal=plain_text_to_richtext(data.get("goal")),
        implementation=plain_text_to_richtext(data["description"]),
        phase=data.get("phase") or "",
        start_year=data.get("start_year"),
        legal_form=data.get("legal_form"),
        cooperation_model=data.get("cooperation_model"),
    )
    page.task_areas = list(data["task_areas"])
    for partner in partners:
        page.partners.add(
            CooperationPartner(
                municipality=partner.municipality,
                county=partner.county,
                organisation=partner.organisation,
                role=partner.role,
            )
        )
    for url in data["sources"]:
        page.sources.add(CooperationSource(url=url))
    index.add_child(instance=page)
    page.save_revision(user=user, log_action=True)
    silence_wagtail_mails_to(user)
    workflow = page.get_workflow()
    if workflow is not None:
        workflow.start(page, user)
    return Report.objects.create(
        reporter=user,
        page=page,
        title=page.title,
        municipality=account.municipality,
        county=account.county,
        contact_name=data["contact_name"],
        contact_email=data["contact_email"],
    )


# --- status ------------------------------------------------------------------------------

IN_REVIEW = "in Prüfung"
PUBLISHED = "veröffentlicht"
NEEDS_CHANGES = "zurückgewiesen"
CANCELLED = "Prüfung abgebrochen"
WITHDRAWN = "nicht mehr veröffentlicht"
DELETED = "abgelehnt"


def latest_workflow_state(page):
    return (
        WorkflowState.objects.filter(
            base_content_type=ContentType.objects.get_for_model(Page),
            object_id=str(page.pk),
        )
        .order_by("-created_at", "-pk")
        .first()
    )


def rejection_comment(workflow_state):
    task_state = (
        TaskState.objects.filter(workflow_state=workflow_state, status=TaskState.STATUS_REJECTED)
        .order_by("-finished_at", "-pk")
        .first()
    )
    return task_state.get_comment() if task_state else ""


def report_status(report):
    """(label, css modifier, moderator's comment) of a report for its reporter."""
    page = report.page
    if page is None:
        return DELETED, "rejected", ""
    if page.live:
        return PUBLISHED, "published", ""
    state = latest_workflow_state(page)
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        return NEEDS_CHANGES, "rejected", rejection_comment(state)
    if state is not None and state.status == WorkflowState.STATUS_CANCELLED:
        return CANCELLED, "rejected", ""
    if page.first_published_at is not None:
        return WITHDRAWN, "rejected", ""
    return IN_REVIEW, "pending", ""
