from django.urls import path

from . import views

app_name = "funding"

urlpatterns = [
    path("foerderung/check/", views.check_page, name="check"),
]
