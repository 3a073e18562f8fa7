"""Template helpers for the guide pages."""

from django import template

from guides.blocks import anchor

register = template.Library()


@register.simple_tag
def anchor_for(text, prefix=""):
    """The id of a heading, phase or question (the same function builds the TOC)."""
    return anchor(text, prefix)
