from django.urls import path

from core.wip import wip
from organizations import views

app_name = "organizations"
urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("settings/", views.settings_view, name="settings"),
    path("audit-log/", views.audit_log, name="audit_log"),
]
urlpatterns += [path("members/", wip, name="members")]
