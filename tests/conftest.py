import os
import shutil
import uuid

import pytest
from django.conf import settings
from django.utils import translation

from budgets.models import BudgetCycle
from config.storage import default_storage_settings
from demo.loader import demo_is_loaded, demo_load
from tests.support.s3 import S3Bucket, create_bucket, moto_s3_server


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the 2020 demo budget once per session: most tests read real data."""
    with django_db_blocker.unblock():
        demo_load()


@pytest.fixture(autouse=True)
def _default_language():
    """A test that switches the language (set_language, translation.activate) does not leave
    the next test on the same worker in English."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache (the consistency findings of a settled cycle are
    kept there): a cycle of an earlier test may have had the same id."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def demo(db) -> BudgetCycle:
    # A transactional test (the browser journeys) flushes the database when it ends.
    if not demo_is_loaded():
        demo_load()
    return BudgetCycle.objects.get(year=2020)


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on loopback, one per test process (each xdist worker its own), started
    by the first test that asks for it (tests/support/s3.py)."""
    with moto_s3_server() as endpoint_url:
        yield endpoint_url


@pytest.fixture
def s3_storage(settings, s3_server) -> S3Bucket:
    """Django's default storage on a new bucket of the S3 server, configured by the function
    production's settings use (config/storage.py)."""
    bucket = S3Bucket(s3_server, f"budget-{uuid.uuid4().hex[:16]}")
    create_bucket(s3_server, bucket.name)
    settings.STORAGES = {**settings.STORAGES, "default": default_storage_settings(bucket.environ)}
    return bucket


def pytest_collection_modifyitems(config, items):
    """Browser journeys flush the database at teardown, so they run last; without Chromium they
    are skipped, unless REQUIRE_BROWSER=1 (CI) turns the absence into a failure."""
    chromium = shutil.which("chromium") or os.path.exists("/usr/bin/chromium")
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    for item in browser_items:
        items.remove(item)
        items.append(item)
        if not chromium and os.environ.get("REQUIRE_BROWSER") != "1":
            item.add_marker(pytest.mark.skip(reason="Chromium not installed (make browser)"))
