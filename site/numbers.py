"""The one German number formatter: 16300 → "16.300", 12.5 → "12,5".

Used by the ``de_number`` template filter (``templatetags/atlas.py``), the SVG charts, the
search's messages and the partner suggestions' reasons. Fixed decimals are rounded half
up, as a reader expects (2.56 with one decimal is "2,6").
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat


def de_number(value, places=None):
    """German number: 16300 -> "16.300", Decimal("12.50") -> "12,5"; ``places`` fixes the
    decimals. None or "" gives ""; what is not a number is returned as text."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not number.is_finite():
        return str(value)
    if places in (None, ""):
        # Drop trailing zeros, but never switch to exponent notation.
        if number == number.to_integral():
            number = number.quantize(Decimal(1))
        else:
            number = number.normalize()
        places = max(0, -number.as_tuple().exponent)
    else:
        places = int(places)
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return numberformat.format(
        number, ",", decimal_pos=places, grouping=3, thousand_sep=".", force_grouping=True
    )


def de_km(km):
    """A distance: one decimal below 10 km ("6,3"), whole kilometres above ("42")."""
    return de_number(km, 1 if km < 10 else 0)
