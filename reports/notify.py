"""Mails to reporters: once when the moderation publishes their profile, and on rejection.

Sent after the publishing transaction commits; nothing here may break publishing.
"""

import logging

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from kooperationsatlas import links, mail

from .models import Report

logger = logging.getLogger(__name__)


def absolute_url(path):
    return links.absolute_url(path)


def _recipient(report):
    return report.reporter.email or report.contact_email


def _send(report, subject, template, context):
    to = _recipient(report)
    if not to:
        return False
    user = report.reporter
    body = render_to_string(
        template,
        {
            "report": report,
            "name": user.get_full_name() or user.get_username(),
            "reports_url": absolute_url("/konto/meldungen/"),
            **context,
        },
    )
    return mail.send(subject, body, [to])


def notify_published(report_id):
    """Tell the reporter once that their profile is live. Returns True if a mail went out."""
    now = timezone.now()
    claimed = Report.objects.filter(
        pk=report_id, published_notified_at__isnull=True, page__live=True
    ).update(published_notified_at=now)
    if not claimed:
        return False
    report = Report.objects.select_related("reporter", "page").get(pk=report_id)
    try:
        sent = _send(
            report,
            f"Ihre Meldung ist veröffentlicht: {report.page.title}",
            "reports/email/published.txt",
            {"url": absolute_url(report.page.get_url() or "/")},
        )
    except Exception:
        logger.exception("Reports: publication mail for report %s failed", report_id)
        sent = False
    if not sent:  # try again at the next publication
        Report.objects.filter(pk=report_id).update(published_notified_at=None)
    return sent


def notify_rejected(report_id, comment):
    report = Report.objects.select_related("reporter", "page").filter(pk=report_id).first()
    if report is None:
        return False
    try:
        return _send(
            report,
            f"Rückfrage zu Ihrer Meldung: {report.title}",
            "reports/email/rejected.txt",
            {"comment": comment},
        )
    except Exception:
        logger.exception("Reports: rejection mail for report %s failed", report_id)
        return False


# --- signal receivers --------------------------------------------------------------------


def page_published_receiver(sender, instance, **kwargs):
    ids = list(
        Report.objects.filter(page_id=instance.pk, published_notified_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    for report_id in ids:
        transaction.on_commit(lambda pk=report_id: notify_published(pk), robust=True)


def workflow_rejected_receiver(sender, instance, user=None, **kwargs):
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Page

    from .services import rejection_comment

    try:
        page_id = int(instance.object_id)
    except (TypeError, ValueError):
        return
    if instance.base_content_type_id != ContentType.objects.get_for_model(Page).pk:
        return
    comment = rejection_comment(instance)
    for report_id in Report.objects.filter(page_id=page_id).values_list("pk", flat=True):
        transaction.on_commit(
            lambda pk=report_id: notify_rejected(pk, comment),
            robust=True,
        )


def register():
    """Connect the receivers (ReportsConfig.ready)."""
    from wagtail.signals import page_published, workflow_rejected

    page_published.connect(page_published_receiver, dispatch_uid="reports_page_published")
    workflow_rejected.connect(workflow_rejected_receiver, dispatch_uid="reports_wf_rejected")
