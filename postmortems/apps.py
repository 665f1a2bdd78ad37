from django.apps import AppConfig


class PostmortemsConfig(AppConfig):
    name = "postmortems"
    verbose_name = "Reviews and learning"

    def ready(self):
        from postmortems import signals  # noqa: F401 - connects the receivers
