"""The Django admin in Chinese shows no English of Django's own: every string of the admin's
catalogues (django and djangojs) has a zh_Hans translation, Django's bundled one or, where
Django 5.2 lacks it, config/locale's."""

import re
from pathlib import Path

import django.contrib.admin
import pytest
from django.utils import translation
from django.views.i18n import JavaScriptCatalog

ADMIN_LOCALE = Path(django.contrib.admin.__file__).parent / "locale"
MSGID = re.compile(r'(?ms)^msgid ((?:"[^\n]*"\n?)+)')
PART = re.compile(r'"((?:[^"\\]|\\.)*)"')
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[sd]")


def admin_msgids(domain: str) -> list[str]:
    """The singular msgids without a context of Django's source catalogue for the admin."""
    ids = []
    for block in (ADMIN_LOCALE / "en" / "LC_MESSAGES" / f"{domain}.po").read_text().split("\n\n"):
        match = MSGID.search(block)
        if not match or "msgctxt" in block or "msgid_plural" in block:
            continue
        msgid = "".join(PART.findall(match.group(1))).replace('\\"', '"').replace("\\n", "\n")
        # A msgid of placeholders only ("%(class_name)s %(instance)s") is its own translation.
        if re.search(r"[A-Za-z]", PLACEHOLDER.sub("", msgid)):
            ids.append(msgid)
    return ids


def test_every_admin_string_is_translated_into_chinese():
    ids = admin_msgids("django")
    assert "Model name" in ids  # the index's table header that showed in English
    with translation.override("zh-hans"):
        untranslated = [msgid for msgid in ids if translation.gettext(msgid) == msgid]
    assert untranslated == []


@pytest.mark.django_db
def test_every_admin_javascript_string_is_translated_into_chinese(rf):
    ids = admin_msgids("djangojs")
    assert "Choose all %s" in ids
    view = JavaScriptCatalog(packages=["django.contrib.admin"], domain="djangojs")
    view.kwargs = {}
    with translation.override("zh-hans"):
        view.get(rf.get("/admin/jsi18n/"))  # as the admin's jsi18n view loads its catalogue
        catalog = view.get_catalog()
    untranslated = [msgid for msgid in ids if catalog.get(msgid, msgid) == msgid]
    assert untranslated == []


@pytest.mark.django_db
def test_the_admin_index_has_no_english_table_headers(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "模型名称" in html
    assert "Model name" not in html and "Add link" not in html
