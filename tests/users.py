"""Test users with a municipal account or an editorial group, shared by the test modules."""

from django.contrib.auth.models import Group, User

from accounts.models import MunicipalAccount
from register.models import Municipality

PASSWORD = "ein-sicheres-passwort-1"


def make_user(username, *, ags=None, group=None, **extra):
    """A user with PASSWORD, mail <username>@example.org and a first name; with ``ags`` a
    verified municipal account for that municipality, with ``group`` a member of it."""
    extra.setdefault("first_name", username.capitalize())
    user = User.objects.create_user(username, f"{username}@example.org", PASSWORD, **extra)
    if ags:
        MunicipalAccount.objects.create(
            user=user, municipality=Municipality.objects.get(ags=ags), verified=True
        )
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user
