"""Reminders before the deadline, as a background task (django-tasks).

``manage.py send_survey_reminders`` (daily, e.g. from cron) enqueues ``send_reminders`` for
every campaign whose reminder day has come; the task mails each asked body that has not
submitted, once per campaign (a ``Reminder`` row records it, so running it again sends
nothing twice). The mails go through ``kooperationsatlas.mail``.
"""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from kooperationsatlas import links, mail

from .models import Campaign, Reminder, Response
from .services import account_addresses


def due_campaigns(today=None):
    """Open, real campaigns whose reminder day (deadline − reminder_days) has come."""
    today = today or timezone.localdate()
    campaigns = Campaign.objects.filter(
        is_example=False, reminder_days__gt=0, starts_on__lte=today, deadline__gte=today
    )
    return [c for c in campaigns if c.deadline - timedelta(days=c.reminder_days) <= today]


def _key(municipality_id, county_id):
    return ("m", municipality_id) if municipality_id else ("c", county_id)


def remind(campaign):
    """Mail every asked body of ``campaign`` that has not submitted and was not reminded.
    Returns the number of bodies reminded. Bodies without any address are skipped."""
    states = {
        _key(m, c): status
        for m, c, status in Response.objects.filter(campaign=campaign).values_list(
            "municipality_id", "county_id", "status"
        )
    }
    reminded = {
        _key(m, c)
        for m, c in campaign.reminders.values_list("municipality_id", "county_id")
    }
    addresses = {key: set(emails) for key, emails in account_addresses().items() if emails}
    with_account = set(addresses)
    for m, c, email in campaign.invitations.values_list("municipality_id", "county_id", "email"):
        addresses.setdefault(_key(m, c), set()).add(email)

    url = links.absolute_url(reverse("surveys:answer", args=[campaign.pk]))
    bodies = [("m", m) for m in campaign.target_municipalities()]
    bodies += [("c", c) for c in campaign.target_counties()]
    count = 0
    for kind, body in bodies:
        key = (kind, body.pk)
        state = states.get(key)
        recipients = sorted(addresses.get(key, ()))
        if state == Response.Status.SUBMITTED or key in reminded or not recipients:
            continue
        body_field = "municipality" if kind == "m" else "county"
        try:
            with transaction.atomic():
                Reminder.objects.create(
                    campaign=campaign, recipients=len(recipients), **{body_field: body}
                )
        except IntegrityError:  # reminded meanwhile by another run
            continue
        text = render_to_string(
            "surveys/email/reminder.txt",
            {
                "campaign": campaign,
                "body_name": body.name if kind == "m" else body.display_name,
                "draft": state == Response.Status.DRAFT,
                "has_account": key in with_account,
                "url": url,
            },
        )
        mail.send(
            f"Erinnerung: Erhebung „{campaign.title}“ endet am {campaign.deadline:%d.%m.%Y}",
            text,
            recipients,
            reply_to=[campaign.contact_email],
        )
        count += 1
    return count


@task()
def send_reminders(campaign_id):
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is None:
        return 0
    return remind(campaign)
