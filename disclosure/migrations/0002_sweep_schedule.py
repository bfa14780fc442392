"""The disclosure jobs' beat schedule (editable in the admin): every minute, queue again the
exports and imports whose task was lost (the broker was down when they were created)."""

from django.db import migrations


def create(apps, schema_editor):
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    task = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval.objects.get_or_create(every=1, period="minutes")
    task.objects.get_or_create(
        name="Disclosure: queue again the jobs still waiting",
        defaults={
            "task": "disclosure.sweep_jobs",
            "interval": every_minute,
            "description": "Exports still queued and imports still waiting for their check two minutes after they were created.",
        },
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="disclosure.sweep_jobs").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("disclosure", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
