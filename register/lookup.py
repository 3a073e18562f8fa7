"""Turning what a user typed into a Land or a Kreis of the register: by key or by name.

Used by the open-data API's ``land`` and ``kreis`` filters. (Municipalities and Kreise for
the partner search are found by ``matchmaking.forms.find_places``.)
"""

from django.db.models import Q

from .models import County, State


def find_state(text):
    """The Land with the key (``05``) or the name (``Nordrhein-Westfalen``) ``text``."""
    text = " ".join(str(text).split())
    return State.objects.filter(Q(key=text) | Q(name__iexact=text)).first()


def find_county(text):
    """The Kreis with the key (``05974``), the display name (``Kreis Soest``) or, if only
    one has it, the name (``Soest``) ``text``; None for an unknown or ambiguous name."""
    text = " ".join(str(text).split())
    found = County.objects.filter(key=text).first()
    if found is None:
        found = County.objects.filter(display_name__iexact=text).first()
    if found is None:
        named = list(County.objects.filter(name__iexact=text)[:2])
        found = named[0] if len(named) == 1 else None
    return found
