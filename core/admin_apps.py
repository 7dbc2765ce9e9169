"""django.contrib.admin with the hardened operator site (core/admin_site.py) as the
default `admin.site`, so every `admin.register` lands on it."""

from django.contrib.admin.apps import AdminConfig


class OperatorAdminConfig(AdminConfig):
    default_site = "core.admin_site.OperatorAdminSite"
