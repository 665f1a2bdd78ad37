"""Read every stored text again with the language guide as it is now (after its rules changed).

python manage.py recheck_language
"""

from django.apps import apps
from django.core.management.base import BaseCommand

from markup.notes import LanguageNotesField


class Command(BaseCommand):
    help = "Recompute the stored language notes of every text, for example after the guide's rules changed."

    def handle(self, *args, **options):
        for model in apps.get_models():
            fields = [field for field in model._meta.get_fields() if isinstance(field, LanguageNotesField)]
            if not fields:
                continue
            manager = getattr(model, "all_objects", model._default_manager)
            count = 0
            for obj in manager.iterator(chunk_size=500):
                for field in fields:
                    setattr(obj, field.attname, {})
                    field.pre_save(obj, add=False)
                model._default_manager.filter(pk=obj.pk).update(
                    **{field.attname: getattr(obj, field.attname) for field in fields}
                )
                count += 1
            self.stdout.write(f"{model._meta.label}: {count} read again")
