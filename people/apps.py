from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"

    def ready(self) -> None:
        from frameworks import occupancy
        from people import receivers  # noqa: F401  (connects the signal receivers)
        from people.occupancy import PeopleOccupancy

        occupancy.register(PeopleOccupancy())
