from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self) -> None:
        from django.db.backends.signals import connection_created

        from dashboard import signals
        from dashboard.sqlite import register_percentile

        signals.connect()
        connection_created.connect(register_percentile, dispatch_uid="dashboard-sqlite-percentile")
