from django.urls import path

from . import views

app_name = "cooperations"

urlpatterns = [
    path("steckbriefe/<id:pk>/ergaenzen/", views.propose, name="propose"),
]
