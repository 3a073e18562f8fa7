from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("partnersuche/", views.partner_page, name="page"),
]
