from django.apps import AppConfig


class BoerseConfig(AppConfig):
    name = "boerse"
    verbose_name = "Kooperationsbörse"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the matching)
