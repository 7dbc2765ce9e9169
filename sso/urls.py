from django.urls import path

from sso import views

app_name = "sso"
urlpatterns = [
    path("organization/sign-in/", views.settings_page, name="settings"),
    path("organization/sign-in/domains/", views.domain_add, name="domain_add"),
    path(
        "organization/sign-in/domains/<pid:domain_id>/verify/",
        views.domain_verify,
        name="domain_verify",
    ),
    path(
        "organization/sign-in/domains/<pid:domain_id>/remove/",
        views.domain_remove,
        name="domain_remove",
    ),
    path("organization/sign-in/provisioning/", views.provisioning, name="provisioning"),
    path("organization/sign-in/required/", views.required, name="required"),
    path("accounts/company-sign-in/", views.start, name="start"),
    path("accounts/company-sign-in/<str:key>/", views.start_for, name="start_for"),
]
