from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/", views.account_home, name="home"),
    path("konto/anmelden/", views.LoginView.as_view(), name="login"),
    path("konto/abmelden/", views.LogoutView.as_view(), name="logout"),
    path("konto/zugang-beantragen/", views.request_access, name="request_access"),
    path("konto/zugang-beantragen/danke/", views.request_access_done, name="request_access_done"),
    path("konto/passwort-vergessen/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "konto/passwort-vergessen/gesendet/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "konto/passwort-festlegen/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "konto/passwort-festlegen/fertig/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]
