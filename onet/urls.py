from django.urls import path

from onet import views

app_name = "onet"
urlpatterns = [
    path("", views.search, name="search"),
    path("elements/<str:element_id>/add/", views.add, name="add"),
    path("<str:code>/", views.occupation, name="occupation"),
]
