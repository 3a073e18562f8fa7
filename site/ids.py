"""Database ids from URLs and forms, checked before they reach the database.

A number a database integer cannot hold (≥ 2^63, or 20 digits of anything) made SQLite
raise OverflowError and PostgreSQL "bigint out of range": a 500. Ids are therefore at most
``MAX_DIGITS`` decimal digits everywhere a visitor can type one:

* in URLs, the path converter ``id`` (``<id:pk>``, registered in
  ``KooperationsatlasConfig.ready``): a longer number matches no URL, so the answer is the
  404 page (JSON under /api/);
* in forms, ``IdChoiceField`` / ``IdMultipleChoiceField`` instead of Django's
  ``ModelChoiceField`` / ``ModelMultipleChoiceField`` when they choose by primary key: an
  oversized or non-numeric value is the field's usual "invalid choice" error (400).
"""

from django import forms
from django.urls import register_converter

MAX_DIGITS = 18  # every number of up to 18 digits fits a signed 64-bit integer


def is_id(value):
    """Whether ``value`` (str or int) is a database id: 1 to MAX_DIGITS digits, ≥ 0."""
    text = str(value)
    return text.isascii() and text.isdigit() and len(text) <= MAX_DIGITS


class IdConverter:
    regex = f"[0-9]{{1,{MAX_DIGITS}}}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return str(value)


def register():
    register_converter(IdConverter, "id")


class IdChoiceMixin:
    """Refuses values that cannot be an id (by primary key only) before any query."""

    def clean(self, value):
        if self.to_field_name is None:
            items = value if isinstance(value, (list, tuple)) else [value]
            for item in items:
                if item not in self.empty_values and not is_id(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super().clean(value)


class IdChoiceField(IdChoiceMixin, forms.ModelChoiceField):
    pass


class IdMultipleChoiceField(IdChoiceMixin, forms.ModelMultipleChoiceField):
    pass
