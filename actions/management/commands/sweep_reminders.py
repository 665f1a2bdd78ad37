from django.core.management.base import BaseCommand

from actions.reminders import reconcile_obligations, run_sweep


class Command(BaseCommand):
    help = "Run the reminder sweep once, as Celery beat does every minute (safe to run beside the worker)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reconcile", action="store_true", help="first create obligations that are owed but missing"
        )

    def handle(self, *args, reconcile=False, **options):
        if reconcile:
            self.stdout.write(f"Obligations created or cancelled: {reconcile_obligations()}")
        report = run_sweep()
        self.stdout.write(
            f"Checked {report.obligations_checked} obligations; sent {report.obligation_reminders} obligation "
            f"reminders, {report.overdue_reminders} overdue-item reminders, {report.digests} digests; "
            f"delivered {report.deliveries_sent} waiting messages."
        )
        for failure in report.failures:
            self.stderr.write(f"Pushed back: {failure}")
