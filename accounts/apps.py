from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "People and teams"

    def ready(self):
        from accounts import sessions, throttling, versions  # noqa: F401 - connects their signal receivers

        versions.connect()
