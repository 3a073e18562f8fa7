from django.apps import AppConfig


class KooperationsatlasConfig(AppConfig):
    name = "kooperationsatlas"
    verbose_name = "Kooperationsatlas"
