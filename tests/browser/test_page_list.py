"""The page scan's list (tests/browser/pages.py) covers every URL pattern a person uses: a new
pattern fails here until it is added to PAGES or to EXCLUDED with its reason."""

import re

from django.contrib import admin
from django.urls import URLPattern, URLResolver, get_resolver

from .pages import ADMIN_GENERIC_KINDS, EXCLUDED, EXCLUDED_PREFIXES, PAGES


def url_patterns(patterns=None, prefix="", namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = (
                f"{namespace}:{entry.namespace}"
                if namespace and entry.namespace
                else entry.namespace or namespace
            )
            yield from url_patterns(entry.url_patterns, prefix + str(entry.pattern), inner or "")
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def uncovered(patterns) -> list[str]:
    scanned = {page.url_name for page in PAGES}
    models = {f"{m._meta.app_label}_{m._meta.model_name}" for m in admin.site._registry}
    generic = re.compile(rf"^admin:({'|'.join(sorted(models))})_({'|'.join(ADMIN_GENERIC_KINDS)})$")
    scanned_kinds = {m.group(2) for name in scanned if (m := generic.match(name))}
    missing = []
    for route, name in patterns:
        if (
            any(route.startswith(prefix) for prefix in EXCLUDED_PREFIXES)
            or name in EXCLUDED
            or name in scanned
        ):
            continue
        if name is None and route.startswith("admin/"):
            continue  # the admin's own redirects (an object's bare URL, the catch-all)
        match = generic.match(name or "")
        # A model's generic view shares its kind's template with the models scanned.
        if match and match.group(2) in scanned_kinds:
            continue
        missing.append(f"{route} ({name})")
    return missing


def test_every_url_pattern_is_scanned_or_excluded_with_a_reason():
    assert uncovered(url_patterns()) == []


def test_a_new_page_fails_the_check():
    assert uncovered([("budgets/<int:year>/new-page/", "budgets:new-page")]) == [
        "budgets/<int:year>/new-page/ (budgets:new-page)"
    ]
    assert uncovered([("admin/budgets/project/<path:object_id>/merge/", "admin:budgets_project_merge")])
