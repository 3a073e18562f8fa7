"""Rebuild every search index from the live, public profiles.

The embedded engine is replaced in one transaction; Elasticsearch (when configured) fills
a new index and swaps its alias. Needed after editing the word lists in search/data/ or
importing the register, and to repair Elasticsearch after an outage.
"""

import gc

from django.core.management.base import BaseCommand
from django.utils import timezone

from search.documents import build_document, indexable_profiles
from search.engines import index_engines
from search.indexing import resolved


def documents():
    # chunk_size keeps the prefetches per chunk, so memory stays flat at any size.
    for page in indexable_profiles().iterator(chunk_size=500):
        yield build_document(page)


class Command(BaseCommand):
    help = "Baut den Suchindex aller Suchmaschinen aus den veröffentlichten Steckbriefen neu auf."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-progress", action="store_true", help="Keinen Fortschrittsbalken anzeigen."
        )

    def handle(self, *args, no_progress=False, **options):
        total = indexable_profiles().count()
        # Loading pages leaves many short-lived reference cycles (model instances and their
        # caches); with the default thresholds the collector runs so often, over every
        # object of the process, that it took about half of the rebuild. So: everything
        # loaded until now is exempt from collection, and collections run less often.
        threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(20_000, 20, 20)
        try:
            for engine in index_engines():
                started = timezone.now()
                count = engine.rebuild(documents(), total=total, progress=not no_progress)
                resolved(engine, since=started)  # failed live updates are covered now
                self.stdout.write(f"{engine.name}: {count} Steckbriefe indexiert.")
        finally:
            gc.set_threshold(*threshold)
            gc.unfreeze()
