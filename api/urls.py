from django.urls import path
from django.views.generic import RedirectView

from api.main import api

urlpatterns = [
    # /api/v1/ itself: the interactive documentation
    path("v1/", RedirectView.as_view(url="/api/v1/docs", permanent=False), name="api_v1"),
    path("v1/", api.urls),
]
