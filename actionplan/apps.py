from django.apps import AppConfig


class ActionplanConfig(AppConfig):
    name = "actionplan"
    verbose_name = "Action plans"

    def ready(self) -> None:
        """Add adoption and citing items to the library's pages (actionplan/receivers.py)."""
        from actionplan import receivers

        receivers.register()
