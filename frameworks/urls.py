from django.urls import path

from frameworks import library_views, lint_views, views, views_editor

# A person's ladder pages (my-ladder/, ladder/<person>/, ladder/<person>/pdf/) are people's
# views (`people/ladder_urls.py`), mounted under these paths and this namespace by clb/urls.py.
app_name = "frameworks"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.family_new, name="family_new"),
    path("guide/<slug:slug>/", views.guide, name="guide"),
    path("versions/<pid:version_id>/", views.version, name="version"),
    path("lint/", lint_views.lint, name="lint"),
    path("templates/", library_views.library, name="library"),
    path("templates/compare/", library_views.template_compare, name="template_compare"),
    path("templates/<slug:key>/", library_views.template_detail, name="template_detail"),
    path("templates/<slug:key>/use/", library_views.template_use, name="template_use"),
    # one job family; after the fixed paths above (a pid could look like "templates")
    path("<pid:version_id>/lint/", lint_views.lint_report, name="lint_report"),
    path("<pid:family_id>/", views.family, name="family"),
    path("<pid:family_id>/diff/", views.diff, name="diff"),
    path("<pid:family_id>/start-draft/", views.start_draft, name="start_draft"),
    path("<pid:family_id>/discard/", views.discard_draft, name="discard_draft"),
    path("<pid:family_id>/archive/", views.family_archive, name="family_archive"),
    path("<pid:family_id>/restore/", views.family_restore, name="family_restore"),
    path("<pid:family_id>/delete/", views.family_delete, name="family_delete"),
    path("<pid:family_id>/publish/", views.publish, name="publish"),
    path("<pid:family_id>/edit/", views_editor.editor, name="editor"),
    path("<pid:family_id>/edit/undo/", views_editor.undo, name="undo"),
    path(
        "<pid:family_id>/edit/cells/<str:competency_uid>/<str:level_uid>/",
        views_editor.cell,
        name="cell",
    ),
    path(
        "<pid:family_id>/edit/statements/<str:statement_uid>/accept/",
        views_editor.statement_accept,
        name="statement_accept",
    ),
]

# the editor's levels, categories and competencies: the same four pages each
for kind, plural in (
    ("level", "levels"),
    ("category", "categories"),
    ("competency", "competencies"),
):
    item = f"<pid:family_id>/edit/{plural}/<str:{kind}_uid>/"
    urlpatterns += [
        path(
            f"<pid:family_id>/edit/{plural}/add/",
            views_editor.item_add,
            {"kind": kind},
            name=f"{kind}_add",
        ),
        path(item, views_editor.item_edit, {"kind": kind}, name=f"{kind}_edit"),
        path(item + "move/", views_editor.item_action, {"verb": "move"}, name=f"{kind}_move"),
        path(item + "remove/", views_editor.item_action, {"verb": "remove"}, name=f"{kind}_remove"),
    ]
