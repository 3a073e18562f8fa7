"""Create the pages Impressum, Datenschutzerklärung and Erklärung zur Barrierefreiheit.

Idempotent: creates only missing pages (by slug below the home page), never overwrites an
editor's changes, and sets the creation date of the accessibility statement once.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.models import Page, Site

from kooperationsatlas.setup import ensure_site_tree
from legal.models import LegalPage, LegalSettings
from legal.seed import PAGES, clean


class Command(BaseCommand):
    help = (
        "Legt Impressum, Datenschutzerklärung und Erklärung zur Barrierefreiheit an "
        "(nur fehlende Seiten)."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        home, _ = ensure_site_tree()
        created = 0
        for slug, title, kind, body in PAGES:
            existing = Page.objects.child_of(home).filter(slug=slug).first()
            if existing is not None:
                if not isinstance(existing.specific, LegalPage):
                    self.stderr.write(
                        f"/{slug}/ existiert bereits als {existing.specific_class.__name__}; "
                        "übersprungen."
                    )
                continue
            page = home.add_child(
                instance=LegalPage(title=title, slug=slug, kind=kind, body=clean(body))
            )
            page.save_revision().publish()
            created += 1
            self.stdout.write(f"Angelegt: /{slug}/ ({title})")

        site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
        legal = LegalSettings.for_site(site)
        if legal.accessibility_statement_date is None:
            legal.accessibility_statement_date = timezone.localdate()
            legal.save(update_fields=["accessibility_statement_date"])
        self.stdout.write(
            f"Rechtliche Seiten: {created} angelegt, {len(PAGES) - created} vorhanden."
        )
