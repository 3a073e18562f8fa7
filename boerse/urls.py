from django.urls import path

from . import views

app_name = "boerse"

urlpatterns = [
    path("boerse/", views.entry_list, name="list"),
    path("boerse/neu/", views.entry_create, name="create"),
    path("boerse/moderation/", views.moderation_queue, name="moderation"),
    path("boerse/moderation/<id:pk>/", views.moderation_entry, name="moderate"),
    path("boerse/<id:pk>/", views.entry_detail, name="detail"),
    path("boerse/<id:pk>/bearbeiten/", views.entry_edit, name="edit"),
    path("boerse/<id:pk>/einreichen/", views.entry_submit, name="submit"),
    path("boerse/<id:pk>/zurueckziehen/", views.entry_withdraw, name="withdraw"),
    path("boerse/<id:pk>/verlaengern/", views.entry_renew, name="renew"),
    path("boerse/<id:pk>/interesse/", views.entry_interest, name="interest"),
]
