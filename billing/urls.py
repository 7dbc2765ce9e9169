from django.urls import path

from billing import roi_views, views

app_name = "billing"
urlpatterns = [
    path("billing/", views.index, name="index"),
    path("billing/checkout/", views.checkout, name="checkout"),
    path("billing/portal/", views.portal, name="portal"),
    path("billing/webhook/", views.webhook, name="webhook"),
    path("roi/", roi_views.calculator, name="roi"),
    path("roi/chart.svg", roi_views.chart, name="roi_chart"),
]
