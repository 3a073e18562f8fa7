from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"
    verbose_name = "Suchaufträge"

    def ready(self):
        from . import notify

        notify.register()
