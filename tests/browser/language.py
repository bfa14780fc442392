"""Two checks of a page's words, run by the page scan (test_page_scan.py) on every visit in Chinese
(issue #10, "Done when"): no untranslated English, and no raw database id or code shown as a
label. Both read the text a person sees: ``document.body.innerText`` plus the title, placeholder,
aria-label and alt of the visible elements, and the document's title (the browser's tab)."""

from __future__ import annotations

import re
from functools import cache

VISIBLE_TEXT_JS = r"""
() => {
  const out = [document.title, document.body.innerText];
  for (const el of document.body.querySelectorAll('[title],[placeholder],[aria-label],[alt]')) {
    if (!el.checkVisibility || !el.checkVisibility()) continue;
    for (const a of ['title', 'placeholder', 'aria-label', 'alt']) {
      const v = el.getAttribute(a); if (v) out.push(v);
    }
  }
  return out.join('\n');
}
"""

# Latin words that are legitimately shown in the Chinese UI, each with its reason. Matched
# case-sensitively, so "API" is allowed and "Api" or "api" is not.
ALLOWED_WORDS = {
    # Names of formats and standards the bureau's staff know by these names.
    "API": "the REST API, so named in Chinese documentation too",
    "OpenAPI": "the API's schema standard",
    "Excel": "the spreadsheet program the bureau fills its workbooks in",
    "xlsx": "the workbook's file extension, in file names and the upload hint",
    "PDF": "a file format",
    "CSV": "a file format",
    # The admin's import and export (django-import-export) offer the file formats by their names.
    "csv": "a file format offered by the admin's import and export",
    "tsv": "a file format offered by the admin's import and export",
    "json": "a file format offered by the admin's import and export",
    "yaml": "a file format offered by the admin's import and export",
    "html": "a file format offered by the admin's import and export",
    "ID": "as in 身份证 ID, never alone as a label",
    "Swagger": "the API documentation's product name",
    "ReDoc": "the API documentation's product name",
    "Django": "the product name in the admin's title",
    "LDAP": "a directory protocol's name, in Django's own Chinese help text on the password page",
    # Units.
    "kg": "a unit in targets",
    "km": "a unit in targets",
    "m²": "a unit in targets",
    # The demo's login names are shown as who is logged in (a login name is not translated).
    # Added below from the demo users.
}
# Codes in the bureau's own numbering, shown as such: a project library number
# (library.services._next_code: the unit's code, the year, a serial, e.g. baoan-2020-001).
ALLOWED_CODES_RE = re.compile(r"\b[a-z]+-\d{4}-\d{3}\b")

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL_RE = re.compile(r"\b(?:https?://|www\.)\S+")
# A file name such as 宝安2021.xlsx or scan.xlsx: the name is the user's own.
FILE_RE = re.compile(r"\S+\.(?:xlsx|xls|pdf|csv|docx)\b")
# A word: Latin letters, with the underscores and digits of a login name (baoan_preparer).
WORD_RE = re.compile(r"(?<![\w])[A-Za-z][A-Za-z0-9_²]*[A-Za-z²](?![\w])", re.ASCII)


@cache
def demo_usernames() -> frozenset[str]:
    from demo.loader import DEMO_USERS

    return frozenset(username for username, *_ in DEMO_USERS)


def english_words(text: str, usernames: frozenset[str] = frozenset()) -> list[str]:
    """The Latin words of 2+ letters in ``text`` that are not allowed: untranslated English."""
    for pattern in (EMAIL_RE, URL_RE, FILE_RE, ALLOWED_CODES_RE):
        text = pattern.sub(" ", text)
    words = []
    for word in WORD_RE.findall(text):
        if word in ALLOWED_WORDS or word in usernames:
            continue
        words.extend(w for w in re.split(r"[_0-9]+", word) if len(w) > 1 and w not in ALLOWED_WORDS)
    return sorted(set(words))


def where_in(text: str, found: list[str], limit: int = 4) -> str:
    """The lines of ``text`` the first findings are on, for the report."""
    lines = []
    for word in found[:limit]:
        for line in text.splitlines():
            if word in line:
                lines.append(f"«{line.strip()[:120]}»")
                break
    return " ".join(dict.fromkeys(lines))


@cache
def code_values() -> frozenset[str]:
    """Every state and action of every workflow machine, and every event type and role value:
    the codes the database stores, never to be shown as a label. Taken from the code itself."""
    import importlib

    from core.models import EventType
    from core.roles import Role
    from core.workflow import MACHINES

    # The modules that build the machines (each Machine registers itself in MACHINES).
    for module in ("budgets.workflow", "approvals.workflow", "performance.services", "library.workflow",
                   "ceilings.workflow"):  # fmt: skip
        importlib.import_module(module)
    values = {e.value for e in EventType} | {r.value for r in Role}
    for machine in MACHINES:
        values |= {s.value for s in machine.states}
        values |= set(machine.transitions)
    # A one-word code (draft, submit) is also an English word: the English check reports it.
    return frozenset(v for v in values if "_" in v or "-" in v)


# A database id shown as a label: "#25", "Sub-item #", "issue #3", "id=4", "pk 7", or a table
# cell (innerText separates cells by tabs) that is only "#" (a row-number column is 序号).
RAW_ID_RE = re.compile(
    r"#\s*\d+|\b(?:id|pk)\s*[=:]?\s*\d+\b|[A-Za-z]+[ \t]#(?!\w)|(?:^|\t)#(?=\t|$)",
    re.IGNORECASE | re.MULTILINE,
)


def raw_codes(text: str) -> list[str]:
    """The raw codes and database ids in ``text``."""
    found = {m.group(0).strip() for m in RAW_ID_RE.finditer(text)}
    tokens = set(re.findall(r"[A-Za-z][A-Za-z0-9_-]*[A-Za-z0-9]", text))
    found |= tokens & code_values()
    return sorted(found)


def visible_text(page) -> str:
    return page.evaluate(VISIBLE_TEXT_JS)
