"""The one German number formatter and the shared constants (kooperationsatlas.numbers,
register.constants)."""

from decimal import Decimal

import pytest
from django.template import Context, Template

from kooperationsatlas.numbers import de_km, de_number
from register.constants import SIZE_CLASS_LABELS, SIZE_CLASSES, size_class


@pytest.mark.parametrize(
    ("value", "places", "text"),
    [
        (16300, None, "16.300"),
        (1234567, None, "1.234.567"),
        (Decimal("12.50"), None, "12,5"),
        (12.0, None, "12"),
        (0, None, "0"),
        (-4200.5, None, "-4.200,5"),
        (2.56, 1, "2,6"),  # rounded, not cut
        (2.25, 1, "2,3"),  # half up, not to even
        (16299.5, 0, "16.300"),
        (3, 2, "3,00"),
        ("12.5", 2, "12,50"),
        (None, None, ""),
        ("", 2, ""),
        ("k. A.", None, "k. A."),
        (float("nan"), None, "nan"),
    ],
)
def test_de_number(value, places, text):
    assert de_number(value, places) == text


def test_the_template_filter_is_the_same_formatter():
    template = Template("{% load atlas %}{{ a|de_number }} {{ b|de_number:2 }}")
    assert template.render(Context({"a": 16300, "b": 2.345})) == "16.300 2,35"


def test_distances_have_one_decimal_below_ten_km():
    assert de_km(3.94) == "3,9"
    assert de_km(9.96) == "10,0"
    assert de_km(12.4) == "12"
    assert de_km(1234.5) == "1.235"


def test_size_classes_cover_every_population_once():
    assert size_class(0) == "unter-10000"
    assert size_class(9_999) == "unter-10000"
    assert size_class(16_300) == "10000-20000"
    assert SIZE_CLASS_LABELS[size_class(16_300)] == "10.000 bis unter 20.000 Einw."
    assert SIZE_CLASS_LABELS[size_class(600_000)] == "500.000 Einw. und mehr"
    lowers = [lower for _, _, lower in SIZE_CLASSES]
    assert lowers == sorted(lowers) and lowers[0] == 0
