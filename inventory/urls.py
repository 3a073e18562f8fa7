from django.urls import path

from . import views

app_name = "inventory"

urlpatterns = [
    path("bestandsaufnahme/", views.dashboard, name="dashboard"),
    path("bestandsaufnahme/<slug:key>.csv", views.figure_csv, name="csv"),
]
