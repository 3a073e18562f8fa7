"""Access requests: who is told, what approving and rejecting do, the set-password link.

Approving creates the user (user name = the official e-mail address, no usable password
yet) or activates the existing user with that address, gives it a verified
``MunicipalAccount`` for the requested body, and mails the requester a link to set the
password (Django's password-reset token, valid for ``PASSWORD_RESET_TIMEOUT``).
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kooperationsatlas import links, mail
from kooperationsatlas.editorial import MODERATORS_GROUP

from .models import AccessRequest, MunicipalAccount

# Free-mail providers: an access request needs the address of the administration.
PRIVATE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "aol.de",
        "arcor.de",
        "email.de",
        "freenet.de",
        "gmail.com",
        "googlemail.com",
        "gmx.at",
        "gmx.ch",
        "gmx.de",
        "gmx.net",
        "hotmail.com",
        "hotmail.de",
        "icloud.com",
        "live.com",
        "live.de",
        "mail.de",
        "mailbox.org",
        "me.com",
        "msn.com",
        "online.de",
        "outlook.com",
        "outlook.de",
        "posteo.de",
        "posteo.net",
        "proton.me",
        "protonmail.com",
        "t-online.de",
        "vodafone.de",
        "web.de",
        "yahoo.com",
        "yahoo.de",
        "ymail.com",
    }
)


class DecisionError(Exception):
    """An approval that cannot be carried out (the German message says why)."""


def is_private_address(email):
    return email.rpartition("@")[2].casefold() in PRIVATE_MAIL_DOMAINS


def moderators():
    """Active members of the moderation and superusers, with an e-mail address."""
    User = get_user_model()
    return (
        User.objects.filter(Q(groups__name=MODERATORS_GROUP) | Q(is_superuser=True))
        .filter(is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )


def admin_url(access_request, request=None):
    path = reverse("wagtailsnippets_accounts_accessrequest:edit", args=[access_request.pk])
    return links.absolute_url(path, request)


def notify_moderation(access_request, request=None):
    """Tell the moderation that a request came in; False if no mail went out."""
    body = render_to_string(
        "accounts/email/access_request_moderation.txt",
        {"access_request": access_request, "url": admin_url(access_request, request)},
    )
    return mail.send(
        f"Zugangsantrag: {access_request.name} ({access_request.body_name})",
        body,
        [user.email for user in moderators()],
    )


def set_password_url(user, request=None):
    """A one-time link to set (or reset) the password: Django's reset token."""
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return links.absolute_url(path, request)


def existing_user(email):
    return get_user_model().objects.filter(email__iexact=email).order_by("pk").first()


def approval_problem(email, municipality=None, county=None):
    """Why an approval would fail (German), or None."""
    user = existing_user(email)
    if user is None:
        if get_user_model().objects.filter(username__iexact=email).exists():
            return f"Der Benutzername {email} ist bereits vergeben."
        return None
    account = MunicipalAccount.objects.filter(user=user).first()
    if account is None:
        return None
    if (account.municipality_id, account.county_id) != (
        getattr(municipality, "pk", None),
        getattr(county, "pk", None),
    ):
        return (
            f"Zur Adresse {email} gibt es bereits ein Konto für {account.body}. Ein Konto "
            "handelt für genau eine Kommune: bitte das bestehende Konto unter „Kommunale "
            "Konten“ ändern oder den Antrag ablehnen."
        )
    return None


def _name_parts(name):
    first, _, last = " ".join(name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


def approve(access_request, moderator, request=None):
    """Create or activate the user and its verified account, then tell the requester.

    Runs once per request (``decided_at``); returns the account, or None if it was decided
    already. Raises DecisionError if the address belongs to an account of another body."""
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.decided_at is not None:
            return None
        problem = approval_problem(locked.email, locked.municipality, locked.county)
        if problem:
            raise DecisionError(problem)
        User = get_user_model()
        user = existing_user(locked.email)
        new_user = user is None
        if new_user:
            first, last = _name_parts(locked.name)
            user = User.objects.create_user(
                username=locked.email.lower(),
                email=locked.email,
                first_name=first[:150],
                last_name=last[:150],
            )  # no usable password until the requester sets one
        elif not user.is_active:
            user.is_active = True
            user.save(update_fields=["is_active"])
        account, _ = MunicipalAccount.objects.get_or_create(
            user=user,
            defaults={
                "municipality": locked.municipality,
                "county": locked.county,
                "function": locked.function,
                "verified": True,
            },
        )
        if not account.verified:
            account.verified = True
            account.save(update_fields=["verified"])
        AccessRequest.objects.filter(pk=locked.pk).update(
            status=AccessRequest.Status.APPROVED,
            account=account,
            decided_by=moderator,
            decided_at=timezone.now(),
        )
    access_request.refresh_from_db()
    body = render_to_string(
        "accounts/email/access_approved.txt",
        {
            "access_request": access_request,
            "user": user,
            "needs_password": not user.has_usable_password(),
            "set_password_url": set_password_url(user, request),
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "login_url": links.absolute_url(reverse("accounts:login"), request),
        },
    )
    mail.send("Ihr Zugang zum Kooperationsatlas ist freigeschaltet", body, [user.email])
    return account


def reject(access_request, moderator, request=None):
    """Record the rejection once and tell the requester with the moderation's note."""
    updated = AccessRequest.objects.filter(pk=access_request.pk, decided_at__isnull=True).update(
        status=AccessRequest.Status.REJECTED, decided_by=moderator, decided_at=timezone.now()
    )
    if not updated:
        return False
    access_request.refresh_from_db()
    body = render_to_string(
        "accounts/email/access_rejected.txt",
        {
            "access_request": access_request,
            "request_url": links.absolute_url(reverse("accounts:request_access"), request),
        },
    )
    mail.send("Ihr Zugangsantrag zum Kooperationsatlas", body, [access_request.email])
    return True


def apply_decision(access_request, moderator, request=None):
    """Carry out the decision a moderator saved in the admin (once)."""
    if access_request.decided_at is not None:
        return None
    if access_request.status == AccessRequest.Status.APPROVED:
        return approve(access_request, moderator, request)
    if access_request.status == AccessRequest.Status.REJECTED:
        return reject(access_request, moderator, request)
    return None
