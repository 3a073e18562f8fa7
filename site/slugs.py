"""ASCII slugs with German transliteration (ä → ae, ö → oe, ü → ue, ß → ss).

Wagtail makes slugs in two places: in the browser, where the admin's slug field fills
itself from the title (``SlugInput``; with ``WAGTAIL_ALLOW_UNICODE_SLUGS = False`` it keeps
ASCII only, but its transliteration maps have no German one, so "ü" would become "u"), and
on the server, when a page is saved without a slug. The admin field gets the German
replacements as ``formatters`` (Wagtail's public option for custom replacements, applied
before its own slugify); the project's own code that creates pages uses ``slugify`` here.
"""

from django.utils.text import slugify as django_slugify
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.widgets import SlugInput

GERMAN = (
    ("ä", "ae"),
    ("ö", "oe"),
    ("ü", "ue"),
    ("Ä", "Ae"),
    ("Ö", "Oe"),
    ("Ü", "Ue"),
    ("ß", "ss"),
    ("ẞ", "SS"),
)
_TABLE = str.maketrans(dict(GERMAN))


def transliterate(text):
    return text.translate(_TABLE)


def slugify(text):
    """ASCII slug: German letters transliterated, other accents dropped ("é" → "e")."""
    return django_slugify(transliterate(text), allow_unicode=False)


class GermanSlugInput(SlugInput):
    """The admin's slug field with the German replacements applied before Wagtail's own."""

    def __init__(self, attrs=None, formatters=None, locale=None):
        super().__init__(
            attrs=attrs, formatters=list(GERMAN) + list(formatters or []), locale=locale
        )


def register_admin_widget():
    """Every SlugField in Wagtail's admin forms (pages' slug, snippets) uses GermanSlugInput."""
    from django.db import models

    register_form_field_override(models.SlugField, override={"widget": GermanSlugInput})
