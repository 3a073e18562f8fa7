"""Licence notes for templates that show register data."""

from django import template

from register import attribution

register = template.Library()


@register.simple_tag
def register_attribution():
    return attribution.REGISTER_ATTRIBUTION


@register.simple_tag
def geometry_attribution():
    return attribution.GEOMETRY_ATTRIBUTION


@register.simple_tag
def licence_url():
    return attribution.LICENCE_URL
