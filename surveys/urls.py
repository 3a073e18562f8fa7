from django.urls import path

from . import views

app_name = "surveys"

urlpatterns = [
    path("erhebungen/", views.campaign_list, name="list"),
    path("erhebungen/<id:pk>/", views.answer, name="answer"),
    path("erhebungen/<id:pk>/bestaetigung/", views.confirmation, name="confirmation"),
    path("erhebungen/einladung/<str:token>/", views.invitation, name="invitation"),
    path("erhebungen/<id:pk>/fortschritt/", views.progress_view, name="progress"),
    path("erhebungen/<id:pk>/einladungen/", views.invitations_view, name="invitations"),
    path(
        "erhebungen/<id:pk>/entwuerfe-vorschlagen/",
        views.propose_drafts,
        name="propose_drafts",
    ),
    path("erhebungen/<id:pk>/antworten.csv", views.export_csv, name="export_csv"),
    path("erhebungen/<id:pk>/antworten.xlsx", views.export_xlsx, name="export_xlsx"),
]
