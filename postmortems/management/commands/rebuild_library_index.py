from django.core.management.base import BaseCommand

from postmortems.models import Review, ReviewStatus
from postmortems.search import index_for_search


class Command(BaseCommand):
    help = "Index every published review for the library again, with people replaced by roles."

    def handle(self, *args, **options):
        count = 0
        for review in Review.objects.filter(status=ReviewStatus.PUBLISHED).iterator(chunk_size=200):
            index_for_search(review)
            review.save(update_fields=["search_title", "search_document"])
            count += 1
        self.stdout.write(f"Indexed {count} published reviews.")
