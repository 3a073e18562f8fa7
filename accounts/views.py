from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render

from boerse.models import BoerseEntry
from boerse.services import account_of, body_filter, can_post, can_renew, is_moderator


class GermanAuthenticationForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "Benutzername oder Passwort sind nicht korrekt. "
        "Bitte beachten Sie Groß- und Kleinschreibung.",
        "inactive": "Dieses Benutzerkonto ist deaktiviert.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Benutzername"
        self.fields["password"].label = "Passwort"


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = GermanAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@login_required
def account_home(request):
    account = account_of(request.user)
    entries = []
    if account is not None:
        entries = list(
            BoerseEntry.objects.filter(body_filter(account))
            .select_related("created_by")
            .order_by("-updated_at")
        )
        for entry in entries:
            entry.renewable = can_renew(entry)
    return render(
        request,
        "accounts/account.html",
        {
            "account": account,
            "entries": entries,
            "can_post": can_post(request.user),
            "moderator": is_moderator(request.user),
        },
    )
