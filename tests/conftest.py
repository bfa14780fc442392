import os
import shutil

import pytest
from django.conf import settings
from django.utils import translation

from budgets.models import BudgetCycle
from demo.loader import demo_is_loaded, demo_load


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
