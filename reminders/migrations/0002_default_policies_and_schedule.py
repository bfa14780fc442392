"""The default reminder policies and the beat schedule (both editable in the admin)."""

from django.db import migrations

UNIT_LEVEL = ["preparation", "monitoring_due", "self_evaluation_due"]
HQ_LEVEL = ["review", "publication"]


def create(apps, schema_editor):
    policy = apps.get_model("reminders", "ReminderPolicy")
    for kind in UNIT_LEVEL:
        policy.objects.get_or_create(kind=kind)
    for kind in HQ_LEVEL:
        policy.objects.get_or_create(
            kind=kind, defaults={"escalate_to_head_after": None, "escalate_to_hq_after": None}
        )
    crontab = apps.get_model("django_celery_beat", "CrontabSchedule")
    task = apps.get_model("django_celery_beat", "PeriodicTask")
    morning, _ = crontab.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*", timezone="Asia/Shanghai"
    )
    task.objects.get_or_create(
        name="Deadline reminders: daily scan",
        defaults={"task": "reminders.scan", "crontab": morning, "description": "Records and sends the reminders due today."},
    )


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(task="reminders.scan").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reminders", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
