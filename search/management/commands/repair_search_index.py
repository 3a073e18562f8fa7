"""Bring an external search index (Elasticsearch) up to date after failed live updates.

Publishing records every profile whose update failed (``search.PendingIndexUpdate``);
this command re-syncs exactly those. Exit status 1 if the engine still fails, so cron
reports it; nothing to do is success. ``rebuild_search_index`` repairs everything too.
"""

from django.core.management.base import BaseCommand, CommandError

from search.engines import embedded_engine, index_engines
from search.indexing import repair
from search.models import PendingIndexUpdate


class Command(BaseCommand):
    help = (
        "Aktualisiert die Steckbriefe, deren Aktualisierung im externen Suchindex "
        "(Elasticsearch) fehlgeschlagen ist."
    )

    def handle(self, *args, **options):
        for engine in index_engines():
            if engine is embedded_engine():
                continue
            try:
                repaired = repair(engine)
            except Exception as error:
                pending = PendingIndexUpdate.objects.filter(engine=engine.name).count()
                raise CommandError(
                    f"{engine.name}: weiterhin nicht erreichbar ({error.__class__.__name__}); "
                    f"{pending} Steckbriefe stehen aus. Später erneut ausführen."
                ) from None
            self.stdout.write(f"{engine.name}: {repaired} Steckbriefe nachgetragen.")
        leftovers = PendingIndexUpdate.objects.exclude(
            engine__in=[engine.name for engine in index_engines()]
        )
        if leftovers.exists():  # Elasticsearch no longer configured: nothing to repair
            count, _ = leftovers.delete()
            self.stdout.write(f"{count} Einträge für nicht mehr genutzte Suchmaschinen entfernt.")
