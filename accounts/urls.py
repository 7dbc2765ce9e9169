from django.urls import path

from core.wip import wip

app_name = "accounts"
urlpatterns = [
    path("organization/new/", wip, name="create_organization"),
    path("invitations/", wip, name="invitations"),
    path("invitations/person/<pid:person_id>/", wip, name="invite_person"),
    path("invitations/<pid:invitation_id>/revoke/", wip, name="revoke_invitation"),
    path("invite/<str:token>/", wip, name="accept_invitation"),
]
