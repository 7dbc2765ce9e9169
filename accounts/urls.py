from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("organization/new/", views.create_org, name="create_organization"),
    path("invitations/", views.invitations, name="invitations"),
    path("invitations/person/<pid:person_id>/", views.invite, name="invite_person"),
    path("invitations/everyone/", views.invite_all, name="invite_everyone"),
    path("invitations/<pid:invitation_id>/revoke/", views.revoke, name="revoke_invitation"),
    path("invite/<str:token>/", views.accept, name="accept_invitation"),
]
