from django import forms
from django.core.exceptions import ValidationError

from .models import AccessibilityFeedback


class FeedbackForm(forms.ModelForm):
    class Meta:
        model = AccessibilityFeedback
        fields = ["page_url", "description", "name", "email"]
        widgets = {"description": forms.Textarea(attrs={"rows": 8})}
        labels = {
            "page_url": "Betroffene Seite (Adresse)",
            "description": "Welche Barriere ist Ihnen aufgefallen?",
            "name": "Ihr Name",
            "email": "Ihre E-Mail-Adresse",
        }
        help_texts = {
            "page_url": "Optional, z. B. /suche/ oder die vollständige Adresse.",
            "description": "Bitte beschreiben Sie, was nicht funktioniert hat und womit Sie die "
            "Seite genutzt haben (z. B. Screenreader, Tastatur, Vergrößerung).",
            "name": "Optional.",
            "email": "Optional; nötig, wenn Sie eine Antwort wünschen.",
        }
        error_messages = {
            "description": {
                "required": "Bitte beschreiben Sie die Barriere.",
                "max_length": "Die Beschreibung darf höchstens %(limit_value)d Zeichen haben "
                "(jetzt: %(show_value)d).",
            },
            "page_url": {
                "max_length": "Die Adresse darf höchstens %(limit_value)d Zeichen haben.",
            },
            "name": {"max_length": "Der Name darf höchstens %(limit_value)d Zeichen haben."},
            "email": {"invalid": "Bitte eine gültige E-Mail-Adresse angeben (name@beispiel.de)."},
        }

    def clean_page_url(self):
        value = self.cleaned_data.get("page_url", "").strip()
        if value and not value.startswith(("/", "http://", "https://")):
            raise ValidationError(
                "Bitte eine Adresse angeben, die mit / oder http(s):// beginnt, "
                "oder das Feld leer lassen."
            )
        return value

    def clean_description(self):
        value = self.cleaned_data.get("description", "").strip()
        if not value:
            raise ValidationError("Bitte beschreiben Sie die Barriere.")
        return value
