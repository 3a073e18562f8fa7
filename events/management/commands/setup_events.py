"""Create the (empty) event index "Veranstaltungen" below the home page, once."""

from django.core.management.base import BaseCommand
from django.db import transaction

from events.models import EventIndexPage

INTRO = "<p>Webinare, Workshops und Konferenzen rund um die interkommunale Zusammenarbeit.</p>"


@transaction.atomic
def ensure_event_index():
    """Return (index, created). Creates the home page first if needed."""
    from kooperationsatlas.setup import ensure_site_tree

    index = EventIndexPage.objects.first()
    if index is not None:
        return index, False
    home, _ = ensure_site_tree()
    index = home.add_child(
        instance=EventIndexPage(title="Veranstaltungen", slug="veranstaltungen", intro=INTRO)
    )
    index.save_revision().publish()
    return index, True


class Command(BaseCommand):
    help = "Legt die (leere) Übersichtsseite „Veranstaltungen“ unter der Startseite an."

    def handle(self, *args, **options):
        index, created = ensure_event_index()
        if created:
            self.stdout.write(f"Seite „{index.title}“ angelegt: {index.url_path}")
        else:
            self.stdout.write(f"Seite „{index.title}“ besteht bereits.")
