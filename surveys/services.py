"""Who answers for which body, saving and submitting answers, and the mails.

No web code: the views decide what to show; this module decides what is allowed and writes.
"""

from dataclasses import dataclass

from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import MunicipalAccount
from boerse.services import account_of
from kooperationsatlas import links, mail
from register.models import Municipality

from .models import COORDINATE_PERMISSION, Campaign, Invitation, Response, TaskAnswer, body_kwargs

SESSION_KEY = "survey_invitations"  # {str(campaign pk): invitation pk}


def is_coordinator(user):
    return bool(user and user.is_authenticated and user.has_perm(COORDINATE_PERMISSION))


@dataclass
class Respondent:
    """Who is answering: the body, and either the account's user or the invitation."""

    municipality: object = None
    county: object = None
    user: object = None
    invitation: Invitation | None = None

    @property
    def body(self):
        return self.municipality or self.county

    @property
    def body_name(self):
        return self.municipality.name if self.municipality else self.county.display_name

    def body_fields(self):
        """``{"municipality": …, "county": …}`` for querying and creating rows."""
        return {"municipality": self.municipality, "county": self.county}

    @property
    def email(self):
        if self.invitation is not None:
            return self.invitation.email
        return self.user.email if self.user else ""


def verified_body(user):
    """``{"municipality": …, "county": …}`` of the user's verified account, or None."""
    account = account_of(user)
    if account is None or not account.verified or not user.is_active:
        return None
    return body_kwargs(account.body)


def respondent_for(request, campaign):
    """Who may answer ``campaign`` in this request, or None.

    A verified account answers for its body if the campaign asks it; otherwise an
    invitation redeemed in this browser session for this campaign, while it is valid.
    """
    body = verified_body(request.user)
    if body is not None and campaign.asks(**{k: v for k, v in body.items() if v}):
        return Respondent(**body, user=request.user)
    invitation_pk = request.session.get(SESSION_KEY, {}).get(str(campaign.pk))
    if invitation_pk is None:
        return None
    invitation = (
        Invitation.objects.select_related("municipality", "county")
        .filter(pk=invitation_pk, campaign=campaign, redeemed_at__isnull=False)
        .first()
    )
    if invitation is None:
        return None
    user = request.user if request.user.is_authenticated else None
    return Respondent(
        municipality=invitation.municipality,
        county=invitation.county,
        user=user,
        invitation=invitation,
    )


def campaigns_for(user):
    """The campaigns that ask the user's verified body (examples included, to look at),
    newest first."""
    body = verified_body(user)
    if body is None:
        return []
    lookup = {k: v for k, v in body.items() if v}
    return [campaign for campaign in Campaign.objects.all() if campaign.asks(**lookup)]


def response_of(campaign, respondent):
    """The body's response to the campaign, or None (nothing is created by looking)."""
    return (
        Response.objects.filter(campaign=campaign, **respondent.body_fields())
        .prefetch_related("answers__partner_municipalities", "answers__partner_counties")
        .first()
    )


# --- invitations ---------------------------------------------------------------------------


class InvitationError(Exception):
    """Why a link cannot be used (German, shown to the visitor)."""


def check_invitation(invitation, now=None):
    if invitation is None:
        raise InvitationError(
            "Dieser Einladungslink ist ungültig. Bitte prüfen Sie, ob er vollständig "
            "kopiert wurde."
        )
    if invitation.is_redeemed:
        raise InvitationError(
            "Dieser Einladungslink wurde bereits verwendet. Jeder Link gilt nur einmal; "
            "bitte bitten Sie die koordinierende Stelle um einen neuen Link."
        )
    if invitation.is_expired(now):
        raise InvitationError(
            "Dieser Einladungslink ist abgelaufen. Bitte bitten Sie die koordinierende "
            "Stelle um einen neuen Link."
        )
    if not invitation.campaign.accepts_answers(now):
        raise InvitationError("Diese Erhebung nimmt keine Antworten (mehr) an.")


def redeem_invitation(request, invitation, now=None):
    """Use up the invitation and bind this browser session to it. Raises InvitationError.

    The update is conditional, so of two simultaneous requests only one redeems it.
    """
    now = now or timezone.now()
    check_invitation(invitation, now)
    used = Invitation.objects.filter(pk=invitation.pk, redeemed_at__isnull=True).update(
        redeemed_at=now
    )
    if not used:
        raise InvitationError(
            "Dieser Einladungslink wurde bereits verwendet. Jeder Link gilt nur einmal; "
            "bitte bitten Sie die koordinierende Stelle um einen neuen Link."
        )
    # A new session key: whoever knew the old one does not inherit the invitation.
    request.session.cycle_key()
    bound = dict(request.session.get(SESSION_KEY, {}))
    bound[str(invitation.campaign_id)] = invitation.pk
    request.session[SESSION_KEY] = bound


def send_invitation(invitation, token, request=None):
    """Mail the link (the only copy of the token)."""
    campaign = invitation.campaign
    url = links.absolute_url(reverse("surveys:invitation", args=[token]), request)
    body = render_to_string(
        "surveys/email/invitation.txt",
        {"campaign": campaign, "invitation": invitation, "url": url},
    )
    return mail.send(
        f"Einladung zur Erhebung „{campaign.title}“",
        body,
        [invitation.email],
        reply_to=[campaign.contact_email],
    )


# --- saving and submitting -----------------------------------------------------------------


@transaction.atomic
def save_response(campaign, respondent, extra, answers, *, submit, now=None):
    """Write the body's answers (a draft, or submitted with ``submit``) and return the response.

    ``extra``: the extra questions' cleaned data; ``answers``: {task area: cleaned data of
    its TaskAnswerForm}. Locks the response row, so two people of the same body saving at
    once do not interleave their answers.
    """
    now = now or timezone.now()
    response, _ = Response.objects.select_for_update().get_or_create(
        campaign=campaign, **respondent.body_fields()
    )
    for name in ("digitalisation", "staff_shortage", "cooperation_interest", "remarks"):
        if name in extra:
            setattr(response, name, extra[name] or "")
    if "interest_public" in extra:
        response.interest_public = bool(extra["interest_public"])
    if respondent.invitation is not None:
        response.invitation = respondent.invitation
    if submit:
        response.status = Response.Status.SUBMITTED
        response.submitted_at = now
        response.submitted_by = respondent.user
    response.save()
    existing = {answer.task_area_id: answer for answer in response.answers.all()}
    for area, data in answers.items():
        answer = existing.get(area.pk) or TaskAnswer(response=response, task_area=area)
        joint = data.get("status") == TaskAnswer.Status.JOINT
        answer.status = data.get("status") or ""
        answer.other_partners = data.get("other_partners", "") if joint else ""
        answer.legal_form = data.get("legal_form") if joint else None
        answer.since_year = data.get("since_year") if joint else None
        answer.shared_service_centre = data.get("shared_service_centre") if joint else None
        answer.save()
        answer.partner_municipalities.set(data.get("partner_municipalities", []) if joint else [])
        answer.partner_counties.set(data.get("partner_counties", []) if joint else [])
    return response


def notify_submitted(response, respondent, request=None):
    """The confirmation mail to whoever submitted."""
    campaign = response.campaign
    url = links.absolute_url(reverse("surveys:confirmation", args=[campaign.pk]), request)
    body = render_to_string(
        "surveys/email/confirmation.txt",
        {
            "campaign": campaign,
            "response": response,
            "body_name": respondent.body_name,
            "url": url,
            "invited": respondent.invitation is not None,
        },
    )
    return mail.send(
        f"Eingangsbestätigung: {campaign.title}",
        body,
        [respondent.email],
        reply_to=[campaign.contact_email],
    )


# --- accounts per body ---------------------------------------------------------------------


def account_addresses():
    """{("m"|"c", pk): {e-mail addresses}} of the verified, active accounts per body.

    An account of a kreisfreie Stadt's Kreis row counts for the city (``body_kwargs``)."""
    cities = dict(
        Municipality.objects.filter(kind=Municipality.Kind.KREISFREIE_STADT).values_list(
            "county_id", "pk"
        )
    )
    found = {}
    accounts = MunicipalAccount.objects.filter(verified=True, user__is_active=True)
    for municipality_id, county_id, email in accounts.values_list(
        "municipality_id", "county_id", "user__email"
    ):
        if municipality_id:
            key = ("m", municipality_id)
        elif county_id in cities:
            key = ("m", cities[county_id])
        else:
            key = ("c", county_id)
        addresses = found.setdefault(key, set())
        if email:
            addresses.add(email)
    return found
