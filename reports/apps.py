from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports: the national view, trends, benchmarks and public pages"

    def ready(self) -> None:
        """Answer the action plan's hooks: staff's home shows the national dashboard, a public
        plan's pages send the public to its public page (reports/public_receivers.py), and a plan's
        dashboard shows where it stands among its peers (reports/benchmark_receivers.py) and links
        to its report and meeting one-pager (reports/report_receivers.py) and, for the state's CIO and
        CPO, to its takeout (reports/job_receivers.py)."""
        from reports import (
            benchmark_receivers,
            job_receivers,
            national_receivers,
            public_receivers,
            report_receivers,
        )

        national_receivers.register()
        public_receivers.register()
        benchmark_receivers.register()
        report_receivers.register()
        job_receivers.register()
