from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("partnersuche/", views.partner_page, name="page"),
    path("api/v1/partnersuche/", views.partner_api, name="api"),
    path("api/v1/partnersuche/orte/", views.places_api, name="places"),
]
