from django.urls import path

from fairness import views

app_name = "fairness"

urlpatterns = [
    path("", views.analytics, name="index"),
    path("fairness.csv", views.export, name="export"),
    path("questions/", views.questions, name="questions"),
    path("questions/<pid:attribute_id>/", views.question, name="question"),
    path("past-decisions/", views.past, name="past"),
    path("past-decisions/<pid:upload_id>/remove/", views.remove_past, name="remove_past"),
    path("about-me/", views.mine, name="mine"),
]
