"""Idempotent creation of the page tree every installation needs."""

from django.db import transaction
from wagtail.models import Page, Site

from cooperations.models import CooperationIndexPage

from .models import HomePage

HOME_INTRO = (
    "<p>Der Kooperationsatlas sammelt Steckbriefe realer interkommunaler Zusammenarbeit "
    "(IKZ) und interkommunaler Dienstleistungszentren – mit Partnern, Rechtsform, "
    "Ergebnissen und Quellen.</p>"
)


@transaction.atomic
def ensure_site_tree():
    """Make sure there is a HomePage serving the default site and a profile index below it.

    Replaces Wagtail's placeholder "Welcome" page on a fresh install. Returns (home, index).
    """
    root = Page.get_first_root_node()
    home = HomePage.objects.first()
    if home is None:
        home = root.add_child(
            instance=HomePage(title="Kooperationsatlas", slug="start", intro=HOME_INTRO)
        )
        home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="Kooperationsatlas",
        )
    elif site.root_page_id != home.pk:
        placeholder = site.root_page
        site.root_page = home
        site.site_name = "Kooperationsatlas"
        site.save()
        if placeholder.specific_class is Page and not placeholder.get_children().exists():
            placeholder.delete()

    index = CooperationIndexPage.objects.first()
    if index is None:
        index = home.add_child(
            instance=CooperationIndexPage(
                title="Kooperationen",
                slug="kooperationen",
                intro="<p>Steckbriefe realer Kooperationen von Kommunen und Kreisen.</p>",
            )
        )
        index.save_revision().publish()
    return home, index
