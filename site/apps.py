from django.apps import AppConfig


class KooperationsatlasConfig(AppConfig):
    name = "kooperationsatlas"
    verbose_name = "Kooperationsatlas"

    def ready(self):
        from . import caching, security  # noqa: F401  (security sets Pillow's pixel limit)

        # Here rather than in the middleware, so management commands invalidate too.
        caching.connect_signals()

        from . import ids

        ids.register()  # the <id:pk> path converter, before any URLconf is loaded

        from . import slugs

        slugs.register_admin_widget()
