from django.urls import path

from . import feeds, survey, views

app_name = "opendata"

urlpatterns = [
    path("daten/steckbriefe.csv", views.profiles_csv, name="profiles_csv"),
    path("daten/steckbriefe.json", views.profiles_json, name="profiles_json"),
    path("daten/gemeinden.csv", views.municipalities_csv, name="municipalities_csv"),
    path("daten/gemeinden.json", views.municipalities_json, name="municipalities_json"),
    path("daten/kreise.csv", views.counties_csv, name="counties_csv"),
    path("daten/kreise.json", views.counties_json, name="counties_json"),
    path("daten/erhebung-<int:pk>.csv", survey.survey_csv, name="survey_csv"),
    path("daten/erhebung-<int:pk>.json", survey.survey_json, name="survey_json"),
    path("api/v1/erhebungen/", survey.survey_api_list, name="survey_api_list"),
    path("api/v1/erhebungen/<int:pk>/", survey.survey_api_detail, name="survey_api_detail"),
    path("api/v1/steckbriefe/", views.profile_list, name="profile_list"),
    path("api/v1/steckbriefe/<id:pk>/", views.profile_detail, name="profile_detail"),
    path("api/v1/gemeinden/", views.municipality_list, name="municipality_list"),
    path("api/v1/gemeinden/<str:ags>/", views.municipality_detail, name="municipality_detail"),
    path("api/v1/kreise/", views.county_list, name="county_list"),
    path("api/v1/kreise/<str:key>/", views.county_detail, name="county_detail"),
    path("feeds/steckbriefe.rss", feeds.ProfileFeed(), name="feed_rss"),
    path("feeds/steckbriefe.atom", feeds.ProfileAtomFeed(), name="feed_atom"),
]
