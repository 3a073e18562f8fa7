from django.urls import path

from . import views

app_name = "legal"

urlpatterns = [
    path("barrierefreiheit/rueckmeldung/", views.feedback, name="feedback"),
    path("barrierefreiheit/rueckmeldung/danke/", views.feedback_thanks, name="feedback_thanks"),
]
