from django.urls import path

from . import views

app_name = "search"

urlpatterns = [
    path("suche/", views.search_page, name="page"),
    path("api/v1/suche/", views.search_api, name="api"),
    path("api/openapi.json", views.openapi, name="openapi"),
]
