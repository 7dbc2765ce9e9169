from django.urls import path

from sso.scim import views

app_name = "scim"
urlpatterns = [
    path("", views.root, name="root"),
    path("ServiceProviderConfig", views.service_provider_config, name="service_provider_config"),
    path("ResourceTypes", views.resource_types, name="resource_types"),
    path("ResourceTypes/<str:type_name>", views.resource_type, name="resource_type"),
    path("Schemas", views.schema_list, name="schemas"),
    path("Schemas/<str:schema_id>", views.schema_detail, name="schema"),
    path("Users", views.users, name="users"),
    path("Users/<str:user_id>", views.user, name="user"),
]
