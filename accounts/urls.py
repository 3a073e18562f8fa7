from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("konto/", views.account_home, name="home"),
    path("konto/anmelden/", views.LoginView.as_view(), name="login"),
    path("konto/abmelden/", views.LogoutView.as_view(), name="logout"),
]
