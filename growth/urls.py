from django.urls import path

from growth.views import people, plan, reports, settings, team

app_name = "growth"

urlpatterns = [
    path("", plan.index, name="index"),
    path("people/<pid:person_id>/plan/", plan.plan, name="plan"),
    path("people/<pid:person_id>/plan/add/", plan.item_new, name="item_new"),
    path("people/<pid:person_id>/gap-report/", reports.latest_report, name="latest_report"),
    path("people/<pid:person_id>/conversation/", people.conversation, name="conversation"),
    path("items/<pid:item_id>/", plan.item, name="item"),
    path("items/<pid:item_id>/status/", plan.item_status, name="item_status"),
    path("reports/<pid:participant_id>/", reports.report, name="report"),
    path("reports/<pid:participant_id>/pdf/", reports.report_pdf, name="report_pdf"),
    path("reports/<pid:participant_id>/suggestions/", reports.suggest, name="suggest"),
    path("team/", team.team, name="team"),
    path("team/gaps.csv", team.team_csv, name="team_csv"),
    path("team/gaps.xlsx", team.team_xlsx, name="team_xlsx"),
    path("settings/", settings.settings, name="settings"),
]
