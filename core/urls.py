from django.urls import path
from django.views.decorators.http import require_GET

from core import health, outbox_views, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("pricing/", views.pricing, name="pricing"),
    path("about/onet/", views.onet_attribution, name="onet_attribution"),
    path("home/", views.dashboard, name="dashboard"),
    path("welcome/", views.no_organization, name="no_organization"),
    path("security/mfa-required/", views.mfa_required, name="mfa_required"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", require_GET(health.readyz), name="readyz"),
    path("dev/outbox/", outbox_views.outbox, name="dev_outbox"),
]
