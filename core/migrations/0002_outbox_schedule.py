"""The outbox's beat schedule (editable in the admin): the sweep that sends whatever is still
unsent (a broker outage, a dead worker), and the daily digest."""

from django.db import migrations


def create(apps, schema_editor):
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    interval = apps.get_model("django_celery_beat", "IntervalSchedule")
    task = apps.get_model("django_celery_beat", "PeriodicTask")
    afternoon, _ = crontab.objects.get_or_create(
        minute="30", hour="17", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    every_minute, _ = interval.objects.get_or_create(every=1, period="minutes")
    task.objects.get_or_create(
        name="Outbox: daily digest",
        defaults={"task": "core.send_digests", "crontab": afternoon, "description": "One email per person who chose the digest."},
    )
    task.objects.get_or_create(
        name="Outbox: send what is still unsent",
        defaults={"task": "core.sweep_outbox", "interval": every_minute, "description": "Picks up messages left by a broker outage or a dead worker."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task__in=["core.send_digests", "core.sweep_outbox"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
