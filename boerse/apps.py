from django.apps import AppConfig


class BoerseConfig(AppConfig):
    name = "boerse"
    verbose_name = "Kooperationsbörse"
