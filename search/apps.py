from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "atlas_search"
    verbose_name = "Suche"

    def ready(self):
        from . import signal_handlers

        signal_handlers.register()
