"""Public forms of the accounts: the access request and the password reset."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm

from matchmaking.forms import find_places
from register.models import County, Municipality

from .models import AccessRequest
from .services import is_private_address

MAX_CANDIDATES = 10


class AccessRequestForm(forms.ModelForm):
    body = forms.CharField(
        label="Gemeinde oder Kreis",
        max_length=200,
        help_text="Die Kommune, für die Sie arbeiten: Name, achtstelliger Gemeindeschlüssel "
        "oder fünfstelliger Kreisschlüssel, z. B. „Erwitte“, „05974016“ oder „05974“.",
        error_messages={"required": "Bitte Ihre Gemeinde oder Ihren Kreis angeben."},
    )

    class Meta:
        model = AccessRequest
        fields = ["name", "email", "body", "function", "phone", "message"]
        labels = {"name": "Vor- und Nachname"}
        help_texts = {
            "email": "Die Adresse Ihrer Verwaltung (keine private Adresse): an sie schicken "
            "wir die Entscheidung und den Link zum Festlegen des Passworts. Sie ist später "
            "Ihr Benutzername.",
            "function": "Zum Beispiel „Hauptamt, Organisationsentwicklung“.",
            "phone": "Optional: für Rückfragen der Moderation.",
            "message": "Optional: wofür Sie den Zugang nutzen möchten.",
        }
        widgets = {"message": forms.Textarea(attrs={"rows": 4})}
        error_messages = {
            "name": {"required": "Bitte Ihren Namen angeben."},
            "email": {
                "required": "Bitte Ihre dienstliche E-Mail-Adresse angeben.",
                "invalid": "Bitte eine gültige E-Mail-Adresse angeben (name@kommune.de).",
            },
            "message": {
                "max_length": "Die Nachricht darf höchstens %(limit_value)d Zeichen haben "
                "(jetzt: %(show_value)d)."
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["phone"].widget.attrs["autocomplete"] = "tel"
        self.fields["phone"].widget.input_type = "tel"
        self.fields["body"].widget.attrs.update({"autocomplete": "off", "list": "access-places"})

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if is_private_address(email):
            raise forms.ValidationError(
                "Bitte die dienstliche E-Mail-Adresse Ihrer Verwaltung angeben, keine "
                f"private Adresse ({email.rpartition('@')[2]})."
            )
        return email

    def clean_body(self):
        text = " ".join(self.cleaned_data["body"].split())
        places, _ = find_places(text, limit=MAX_CANDIDATES)
        if not places:
            raise forms.ValidationError(
                f"Keine Gemeinde und kein Kreis „{text}“ im Register gefunden. Bitte den Namen "
                "prüfen oder den Gemeindeschlüssel (8 Ziffern) bzw. Kreisschlüssel (5 Ziffern) "
                "angeben."
            )
        if len(places) > 1:
            shown = "; ".join(f"{p.name} ({p.detail}): {p.key}" for p in places[:MAX_CANDIDATES])
            raise forms.ValidationError(
                f"„{text}“ ist nicht eindeutig. Bitte den Schlüssel angeben – {shown}."
            )
        place = places[0]
        if len(place.key) == 8:
            self.instance.municipality = Municipality.objects.get(ags=place.key)
            self.instance.county = None
        else:
            self.instance.county = County.objects.get(key=place.key)
            self.instance.municipality = None
        return place.label


class GermanPasswordResetForm(PasswordResetForm):
    """Django's reset form, German, for every active user with that address.

    Unlike Django's default it also reaches users without a usable password: an approved
    access request creates the user without one, and the requester may have lost the
    first mail. All accounts of this site are local, so nobody signs in elsewhere."""

    email = forms.EmailField(
        label="E-Mail-Adresse",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": "Bitte die E-Mail-Adresse Ihres Kontos angeben.",
            "invalid": "Bitte eine gültige E-Mail-Adresse angeben.",
        },
    )

    def get_users(self, email):
        users = get_user_model().objects.filter(email__iexact=email, is_active=True)
        return (user for user in users if user.email.casefold() == email.casefold())


class GermanSetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_password1"].label = "Neues Passwort"
        self.fields["new_password2"].label = "Neues Passwort wiederholen"
        self.error_messages = {
            **self.error_messages,
            "password_mismatch": "Die beiden Passwörter stimmen nicht überein.",
        }
