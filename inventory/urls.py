from django.urls import path

from . import potential, survey, views

app_name = "inventory"

urlpatterns = [
    path("bestandsaufnahme/", views.dashboard, name="dashboard"),
    path("bestandsaufnahme/erhebung/", survey.survey_latest, name="survey_latest"),
    path("bestandsaufnahme/erhebung/<int:pk>/", survey.survey, name="survey"),
    path(
        "bestandsaufnahme/erhebung/<int:pk>/<slug:aufgabe>/",
        survey.survey_area,
        name="survey_area",
    ),
    path(
        "bestandsaufnahme/potenzial/<slug:aufgabe>/", potential.potential, name="potential"
    ),
    path("bestandsaufnahme/<slug:key>.csv", views.figure_csv, name="csv"),
]
