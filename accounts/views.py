from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator

from boerse.models import BoerseEntry
from boerse.services import account_of, body_filter, can_post, can_renew, is_moderator
from kooperationsatlas import links, throttle
from kooperationsatlas.throttle import rate_limit

from .forms import AccessRequestForm, GermanPasswordResetForm, GermanSetPasswordForm
from .services import notify_moderation

# Reset mails per address and hour, on top of the per-requester limit of the form.
RESET_MAILS_PER_ADDRESS = (3, 60 * 60)


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


# --- access requests ---------------------------------------------------------------------


@rate_limit("access-request", 5, 60 * 60)
def request_access(request):
    if request.user.is_authenticated and account_of(request.user) is not None:
        return redirect("accounts:home")
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        access_request = form.save()
        notify_moderation(access_request, request)
        request.session["access_request_email"] = access_request.email
        return redirect("accounts:request_access_done")
    return render(
        request,
        "accounts/request_access.html",
        {"form": form},
        status=400 if form.is_bound else 200,
    )


def request_access_done(request):
    return render(
        request,
        "accounts/request_access_done.html",
        {"email": request.session.get("access_request_email", "")},
    )


# --- password reset (Django's views, German templates, throttled) -----------------------


@method_decorator(rate_limit("password-reset", 5, 60 * 60), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = GermanPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    title = "Passwort vergessen"

    def form_valid(self, form):
        # The link in the mail points to the public host (kooperationsatlas.links).
        self.extra_email_context = {"base_url": links.base_url(self.request)}
        limit, period = RESET_MAILS_PER_ADDRESS
        email = form.cleaned_data["email"].casefold()
        allowed, _ = throttle.hit("password-reset-address", email, limit, period)
        if not allowed:
            # Same answer as always (no hint whether the address exists), but no more mail.
            return redirect(self.get_success_url())
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"
    title = "E-Mail unterwegs"


@method_decorator(rate_limit("password-set", 10, 60 * 60), name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = GermanSetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")
    title = "Neues Passwort festlegen"

    def form_invalid(self, form):
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
    title = "Passwort festgelegt"
