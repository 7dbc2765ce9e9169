from django.urls import path

from reviews.views import forms, results, running, setup, transitions

app_name = "reviews"

urlpatterns = [
    # everyone
    path("", forms.my_reviews, name="my_reviews"),
    path("forms/<pid:form_id>/", forms.form, name="form"),
    path("forms/<pid:form_id>/save/", forms.save, name="form_save"),
    path("forms/<pid:form_id>/submit/", forms.submit, name="form_submit"),
    path("forms/<pid:form_id>/reopen/", forms.reopen, name="form_reopen"),
    path("people/<pid:participant_id>/peers/", forms.peers, name="peers"),
    path("nominations/<pid:nomination_id>/decide/", forms.peer_decide, name="peer_decide"),
    path("people/<pid:participant_id>/results/", results.results, name="results"),
    path("people/<pid:participant_id>/conversation/", results.conversation, name="conversation"),
    path("people/<pid:participant_id>/acknowledge/", results.acknowledge, name="acknowledge"),
    path("cycles/<pid:cycle_id>/team/", running.team, name="team"),
    # HR: set-up
    path("cycles/", running.cycles, name="cycles"),
    path("cycles/new/", setup.new, name="new"),
    path("cycles/<pid:cycle_id>/setup/name/", setup.setup_name, name="setup_name"),
    path("cycles/<pid:cycle_id>/setup/people/", setup.setup_people, name="setup_people"),
    path("cycles/<pid:cycle_id>/setup/inputs/", setup.setup_inputs, name="setup_inputs"),
    path("cycles/<pid:cycle_id>/setup/deadlines/", setup.setup_deadlines, name="setup_deadlines"),
    path(
        "cycles/<pid:cycle_id>/setup/next-level/", setup.setup_next_level, name="setup_next_level"
    ),
    path("cycles/<pid:cycle_id>/setup/check/", setup.setup_preview, name="setup_preview"),
    path("cycles/<pid:cycle_id>/launch/", setup.launch, name="launch"),
    path("cycles/<pid:cycle_id>/delete/", setup.delete, name="delete"),
    path("cycles/<pid:cycle_id>/people/add/", setup.add_people, name="add_people"),
    path(
        "people/<pid:participant_id>/remove/", setup.remove_participant, name="remove_participant"
    ),
    path("people/<pid:participant_id>/reviewer/", setup.reassign, name="reassign"),
    path("cycles/<pid:cycle_id>/copy/", setup.copy, name="copy"),
    # HR: running
    path("cycles/<pid:cycle_id>/", running.cycle, name="cycle"),
    path("cycles/<pid:cycle_id>/remind/", running.remind, name="remind"),
    path("cycles/<pid:cycle_id>/ladder-fixes/", running.fixes, name="fixes"),
    path("cycles/<pid:cycle_id>/calibrate/", transitions.open_calibration, name="open_calibration"),
    path("cycles/<pid:cycle_id>/close/", transitions.close, name="close"),
    # HR: calibration and release
    path("cycles/<pid:cycle_id>/calibration/", results.calibration, name="calibration"),
    path(
        "people/<pid:participant_id>/final/<pid:competency_uid>/",
        results.adjust,
        name="adjust",
    ),
    path("cycles/<pid:cycle_id>/finalize/", transitions.finalize, name="finalize"),
    path("cycles/<pid:cycle_id>/release/", transitions.release, name="release"),
    path("scale/", results.scale, name="scale"),
]
