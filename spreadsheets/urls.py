from django.urls import path

from spreadsheets import views

app_name = "spreadsheets"
urlpatterns = [
    path("", views.index, name="index"),
    path("template.xlsx", views.template, name="template"),
    path("export/", views.export, name="export"),
    path("upload/", views.upload, name="upload"),
    path("imports/<pid:job_id>/", views.job, name="job"),
    path("imports/<pid:job_id>/confirm/", views.confirm, name="confirm"),
    path("imports/<pid:job_id>/retry/", views.retry, name="retry"),
]
