from django.urls import path

from organizations import views

app_name = "organizations"
urlpatterns = [
    path("switch/", views.switch, name="switch"),
    path("settings/", views.settings_view, name="settings"),
    path("audit-log/", views.audit_log, name="audit_log"),
    path("members/", views.members, name="members"),
    path("members/<pid:membership_id>/role/", views.change_role, name="change_role"),
]
