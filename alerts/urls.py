from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("benachrichtigungen/", views.saved_search_list, name="list"),
    path("benachrichtigungen/neu/", views.saved_search_create, name="create"),
    path("benachrichtigungen/<id:pk>/bearbeiten/", views.saved_search_edit, name="edit"),
    path("benachrichtigungen/<id:pk>/loeschen/", views.saved_search_delete, name="delete"),
    path("benachrichtigungen/<id:pk>/aktiv/", views.saved_search_toggle, name="toggle"),
    path("benachrichtigungen/abmelden/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
