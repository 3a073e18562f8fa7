"""The home page and the site-wide settings."""

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page

from . import routing


class HomePage(Page):
    intro = RichTextField("Einleitung", blank=True, features=["bold", "italic", "link"])
    recent_count = models.PositiveSmallIntegerField("Anzahl neuer Steckbriefe", default=6)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("recent_count")]
    max_count = 1

    class Meta:
        verbose_name = "Startseite"

    def route(self, request, path_components):
        """Wagtail's routing below the home page in two queries (``routing.route_below``)."""
        if path_components:
            return routing.route_below(self, request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        from cooperations.models import CooperationIndexPage, CooperationPage
        from guides.models import GuideIndexPage

        context = super().get_context(request, *args, **kwargs)
        context["recent_profiles"] = (
            CooperationPage.objects.live()
            .public()
            .select_related("cooperation_model", "legal_form")
            .prefetch_related("task_areas", "partners")
            .order_by("-first_published_at", "-pk")[: self.recent_count]
        )
        context["cooperation_index"] = CooperationIndexPage.objects.live().first()
        context["guide_index"] = GuideIndexPage.objects.live().public().first()
        context["profile_count"] = CooperationPage.objects.live().public().count()
        return context


@register_setting(icon="cog")
class SiteSettings(BaseSiteSetting):
    operator = models.CharField(
        "Betreiber", max_length=200, blank=True, help_text="Erscheint im Fuß jeder Seite."
    )
    contact_email = models.EmailField("Kontakt-E-Mail", blank=True)
    footer_note = models.CharField("Hinweis im Fuß", max_length=300, blank=True)

    panels = [FieldPanel("operator"), FieldPanel("contact_email"), FieldPanel("footer_note")]

    class Meta:
        verbose_name = "Website-Einstellungen"


class OutgoingMail(models.Model):
    """A mail waiting to be sent (``kooperationsatlas.mail``): written in the transaction of
    the action that causes it, sent by a background task after the commit, deleted once the
    mail server took it. A failed attempt stays with its error and is retried later."""

    subject = models.CharField("Betreff", max_length=200)
    body = models.TextField("Text")
    to = models.JSONField("Empfänger")
    reply_to = models.JSONField("Antwort an", default=list, blank=True)
    headers = models.JSONField("Kopfzeilen", default=dict, blank=True)
    created_at = models.DateTimeField("angelegt", auto_now_add=True)
    attempts = models.PositiveSmallIntegerField("Versuche", default=0)
    next_attempt_at = models.DateTimeField("nächster Versuch", null=True, blank=True)
    last_error = models.CharField("letzter Fehler", max_length=500, blank=True)

    class Meta:
        db_table = "atlas_outgoing_mail"
        ordering = ["pk"]
        verbose_name = "Ausgehende E-Mail"
        verbose_name_plural = "Ausgehende E-Mails"

    def __str__(self):
        return self.subject
