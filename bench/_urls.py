"""The product's URLs and, for the benchmarks only, `/bench/floor/`: one query behind the
same middleware as every page, the floor each page's time is compared with."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.urls import path

from clb.urls import handler400, handler403, handler404  # noqa: F401
from clb.urls import urlpatterns as product


def floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/floor/", floor, name="bench_floor"), *product]
