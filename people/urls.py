from django.urls import path

from people import views

# app_name "people": clb/urls.py mounts these with the CSV import's pages
# (spreadsheets/people_urls.py) under /people/, in the "people" namespace
urlpatterns = [
    path("", views.directory, name="list"),
    path("team/", views.team, name="team"),
    path("add/", views.add, name="add"),
    path("bulk/", views.bulk, name="bulk"),
    path("me/", views.me, name="me"),
    path("org-chart/", views.org_chart, name="org_chart"),
    path("level-options/", views.level_options, name="level_options"),
    path("<pid:person_id>/", views.detail, name="detail"),
    path("<pid:person_id>/edit/", views.edit, name="edit"),
    path("<pid:person_id>/deactivate/", views.deactivate, name="deactivate"),
    path("<pid:person_id>/reactivate/", views.reactivate, name="reactivate"),
]
