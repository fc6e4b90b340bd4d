from django.apps import AppConfig


class RoundtablesConfig(AppConfig):
    name = "roundtables"
    verbose_name = "Roundtables"

    def ready(self) -> None:
        """Add events and outcomes to the pages of the library and the action plan
        (roundtables/receivers.py)."""
        from roundtables import receivers

        receivers.register()
