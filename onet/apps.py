from django.apps import AppConfig


class OnetConfig(AppConfig):
    name = "onet"
