from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports: the national view, trends, benchmarks and public pages"

    def ready(self) -> None:
        """Answer the action plan's hooks (staff's home shows the national dashboard)."""
        from reports import national_receivers

        national_receivers.register()
