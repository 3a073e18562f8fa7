from django.urls import path

from . import views

app_name = "register"

urlpatterns = [
    path("gemeinden/", views.municipality_list, name="municipality_list"),
    path("gemeinden/<str:ags>/", views.municipality_detail, name="municipality"),
    path("kreise/", views.county_list, name="county_list"),
    path("kreise/<str:key>/", views.county_detail, name="county"),
]
