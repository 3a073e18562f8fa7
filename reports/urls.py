from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("konto/meldungen/", views.report_list, name="list"),
    path("konto/meldungen/neu/", views.report_create, name="create"),
    path("konto/meldungen/<id:pk>/", views.report_detail, name="detail"),
]
