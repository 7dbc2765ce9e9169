"""A person's ladder pages. They are people's views, but keep the frameworks' paths and
URL names (`frameworks:my_ladder`, …): clb/urls.py mounts them with `frameworks.urls`
under /frameworks/, since `frameworks` imports no people (docs/architecture.md)."""

from django.urls import path

from people import views_ladder

urlpatterns = [
    path("my-ladder/", views_ladder.my_ladder, name="my_ladder"),
    path("ladder/<pid:person_id>/", views_ladder.person_ladder, name="person_ladder"),
    path("ladder/<pid:person_id>/pdf/", views_ladder.ladder_pdf, name="ladder_pdf"),
]
