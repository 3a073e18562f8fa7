"""Formatting and navigation helpers for the public templates."""


from django import template
from django.urls import reverse
from wagtail.models import Page

from cooperations.models import NOT_KNOWN, CooperationIndexPage
from cooperations.models import has_text as text_in
from events.models import EventIndexPage
from funding.models import FundingIndexPage
from guides.models import GuideIndexPage
from kooperationsatlas import caching
from kooperationsatlas.numbers import de_number

register = template.Library()


def _is_empty(value):
    return value is None or value == "" or (isinstance(value, list | tuple) and not value)


register.filter("de_number", de_number)  # kooperationsatlas.numbers


@register.filter
def de_percent(value):
    return f"{de_number(value)} %" if not _is_empty(value) else ""


@register.filter
def de_eur(value):
    return f"{de_number(value)} EUR" if not _is_empty(value) else ""


@register.filter
def known(value, text=NOT_KNOWN):
    """The value, or "nicht bekannt" when it is empty (0 is a value)."""
    return text if _is_empty(value) else value


@register.filter
def has_text(html):
    """True if rich text contains visible text (editors may leave "<p></p>")."""
    return text_in(html)


@register.filter
def partner_states(partners):
    """Sorted names of the Länder of the register partners (uses the loaded rows)."""
    return sorted({p.state.name for p in partners if p.state is not None})


@register.simple_tag
def not_known():
    return NOT_KNOWN


@register.simple_tag
def elided_pages(page_obj, on_each_side=2, on_ends=1):
    """Page numbers around the current page, with "…" for gaps."""
    return list(
        page_obj.paginator.get_elided_page_range(
            page_obj.number, on_each_side=on_each_side, on_ends=on_ends
        )
    )


MENU_INDEX_PAGES = (CooperationIndexPage, GuideIndexPage, FundingIndexPage, EventIndexPage)


def _index_page_urls(request):
    """URLs of the live index pages in the menu, by page class: a cache entry per content
    generation and host (a page's URL depends on the request's site), as every page shows
    the menu."""

    def lookup():
        urls = {}
        for page in Page.objects.live().public().type(*MENU_INDEX_PAGES).order_by("path"):
            urls.setdefault(page.specific_class, page.get_url(request))
        return urls

    if request is None:
        return lookup()
    return caching.entry(request, f"menu-index-urls:{request.get_host()}", lookup)


@register.simple_tag(takes_context=True)
def breadcrumb_ancestors(context, page):
    """[(title, url)] of the ancestors of ``page`` below the tree's root ("Start" for the
    home page): a cache entry per parent, host and content generation."""
    request = context.get("request")

    def lookup():
        return [
            ("Start" if ancestor.depth == 2 else ancestor.title, ancestor.get_url(request))
            for ancestor in page.get_ancestors()
            if not ancestor.is_root()
        ]

    if request is None or page.pk is None:
        return lookup()
    parent_path = page.path[: -page.steplen]
    return caching.entry(request, f"breadcrumbs:{parent_path}:{request.get_host()}", lookup)


def _menu_items(request):
    """[(label, url)] of the main menu."""
    index_urls = _index_page_urls(request)
    items = [
        ("Start", "/"),
        ("Kooperationen", index_urls.get(CooperationIndexPage)),
        ("Suche", reverse("search:page")),
        ("Partnersuche", reverse("matchmaking:page")),
        ("Börse", reverse("boerse:list")),
        ("Bestandsaufnahme", reverse("inventory:dashboard")),
        ("Leitfäden", index_urls.get(GuideIndexPage)),
        ("Förderung", index_urls.get(FundingIndexPage)),
        ("Veranstaltungen", index_urls.get(EventIndexPage)),
        ("Gemeinden", reverse("register:municipality_list")),
        ("Kreise", reverse("register:county_list")),
        ("Daten & Lizenzen", reverse("data_sources")),
    ]
    return [(label, url) for label, url in items if url]


@register.simple_tag(takes_context=True)
def main_navigation(context):
    """The main menu as a list of dicts: label, url, current ("page", "true" or "")."""
    request = context.get("request")
    path = request.path if request else ""
    navigation = []
    for label, url in _menu_items(request):
        if path == url:
            current = "page"
        elif url != "/" and path.startswith(url):
            current = "true"
        else:
            current = ""
        navigation.append({"label": label, "url": url, "current": current})
    return navigation


@register.simple_tag(takes_context=True)
def cooperation_index_url(context):
    return _index_page_urls(context.get("request")).get(CooperationIndexPage)


@register.simple_tag
def split_contacts(contacts, user):
    """Of a profile's ``contacts``, those the viewer may see, and how many are hidden (no
    consent, not logged in)."""
    if user is not None and user.is_authenticated:
        return {"visible": contacts, "hidden": 0}
    visible = [contact for contact in contacts if contact.public_display]
    return {"visible": visible, "hidden": len(contacts) - len(visible)}


@register.simple_tag(takes_context=True)
def page_query(context, param, number):
    """The current query string with `param` set to `number` (a page may have several lists)."""
    query = context["request"].GET.copy()
    query[param] = number
    return f"?{query.urlencode()}"
