import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

app = Celery("budgetcycle")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="budgetcycle.ping", ignore_result=False)
def ping() -> str:
    """Answers 'pong': lets a deployment (and the tests) see that a worker takes tasks."""
    return "pong"
