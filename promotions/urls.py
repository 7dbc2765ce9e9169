from django.urls import path

from promotions.views import cases, readiness, rounds

app_name = "promotions"

urlpatterns = [
    path("", cases.index, name="index"),
    path("readiness/", readiness.readiness, name="readiness"),
    path("new/<pid:person_id>/", cases.new, name="new"),
    path("cases/<pid:case_id>/", cases.case, name="case"),
    path("cases/<pid:case_id>/save/", cases.save, name="save"),
    path("cases/<pid:case_id>/people/", cases.people, name="people"),
    path("cases/<pid:case_id>/files/", cases.upload, name="upload"),
    path("cases/<pid:case_id>/submit/", cases.submit, name="submit"),
    path("cases/<pid:case_id>/withdraw/", cases.withdraw, name="withdraw"),
    path("cases/<pid:case_id>/verdict/", cases.verdict, name="verdict"),
    path("cases/<pid:case_id>/decide/", cases.decide, name="decide"),
    path("cases/<pid:case_id>/packet.pdf", cases.packet, name="packet"),
    path("files/<pid:artifact_id>/", cases.artifact, name="artifact"),
    path("files/<pid:artifact_id>/remove/", cases.remove_file, name="remove_file"),
    path("gaps/<pid:gap_id>/accept/", cases.accept, name="accept_gap"),
    path("rounds/", rounds.rounds, name="rounds"),
    path("rounds/new/", rounds.new, name="round_new"),
    path("rounds/<pid:round_id>/", rounds.round_page, name="round"),
    path("rounds/<pid:round_id>/edit/", rounds.edit, name="round_edit"),
    path("rounds/<pid:round_id>/close/", rounds.close, name="round_close"),
]
