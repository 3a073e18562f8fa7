from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    label = "atlas_search"
    verbose_name = "Suche"
