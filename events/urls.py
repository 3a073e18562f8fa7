from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("veranstaltungen/kalender.ics", views.calendar_feed, name="feed"),
    path("veranstaltungen/<id:pk>.ics", views.event_ical, name="event_ical"),
]
