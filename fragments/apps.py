from django.apps import AppConfig


class FragmentsConfig(AppConfig):
    name = "fragments"
    verbose_name = "Shared fragments and conditional pages"
