"""Every page a person uses, by URL pattern, and who uses it: the page scan (test_page_scan.py)
visits each of them as each of its roles. `tests/browser/test_page_list.py` checks this list
against the project's URL patterns (`django.urls.get_resolver()`): a new pattern must be added
here or to EXCLUDED with the reason it is not a page (an action that answers a POST, JSON, a
download, the API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

# The demo users of demo/loader.py, one per role (DOMAIN §10). The evaluator of a unit's
# self-evaluation is its branch head, and the read-only role is the auditor.
ROLES = {
    "branch preparer": "baoan_preparer",
    "branch head": "baoan_head",
    "HQ preparer": "hq_preparer",
    "HQ reviewer": "hq_reviewer",
    "HQ approver": "hq_approver",
    "auditor (read-only)": "auditor",
    "administrator": "admin",
}
UNIT_ROLES = ("baoan_preparer", "baoan_head", "hq_preparer")
BUREAU_ROLES = ("hq_reviewer", "hq_approver", "auditor", "admin")
EVERYONE = UNIT_ROLES + BUREAU_ROLES
# The admin's queues and history: the HQ deciders and the auditor have the admin's view rights.
ADMIN_USERS = ("hq_reviewer", "hq_approver", "auditor", "admin")
# The review queues are the deciders' own.
QUEUE_USERS = ("hq_reviewer", "hq_approver")


@dataclass(frozen=True)
class Page:
    url_name: str
    # path(demo, username) → the path to visit, from the demo objects the scan set up.
    path: Callable[[dict, str], str]
    roles: tuple[str, ...] = EVERYONE
    label: str = ""
    tags: tuple[str, ...] = field(default=())

    @property
    def name(self) -> str:
        return self.label or self.url_name


def _unit(demo: dict, user: str) -> str:
    """A unit's staff see their own unit; the bureau-wide roles look at 宝安."""
    return "hq" if user.startswith("hq_p") else "baoan"


def _project(demo: dict, user: str):
    return demo["projects"][_unit(demo, user)]


def _p(template: str) -> Callable[[dict, str], str]:
    """A path template filled from the demo: {year}, {next_year}, {unit}, {project}, ..."""

    def build(demo: dict, user: str) -> str:
        values = dict(demo["ids"])
        values["unit"] = _unit(demo, user)
        values["project"] = _project(demo, user).pk
        values["next_project"] = demo["next_projects"][_unit(demo, user)].pk
        values["indicator"] = demo["indicators"][_unit(demo, user)].pk
        values["basic_line"] = demo["basic_lines"][_unit(demo, user)].pk
        return template.format(**values)

    return build


PAGES: list[Page] = [
    Page("login", _p("/accounts/login/"), roles=("",)),
    Page("home", _p("/")),
    Page("budgets:bureau", _p("/budgets/{year}/"), roles=BUREAU_ROLES),
    Page("budgets:unit", _p("/budgets/{year}/{unit}/")),
    Page("budgets:unit", _p("/budgets/{next_year}/{unit}/"), label="budgets:unit (draft cycle)"),
    Page("budgets:budget-edit", _p("/budgets/{next_year}/{unit}/edit/"), roles=UNIT_ROLES),
    Page("budgets:project-new", _p("/budgets/{next_year}/{unit}/projects/new/"), roles=UNIT_ROLES),
    Page("budgets:project", _p("/budgets/{year}/{unit}/projects/{project}/")),
    Page(
        "budgets:project",
        _p("/budgets/{next_year}/{unit}/projects/{next_project}/"),
        label="budgets:project (draft)",
    ),
    Page(
        "budgets:project-edit",
        _p("/budgets/{next_year}/{unit}/projects/{next_project}/edit/"),
        roles=UNIT_ROLES,
    ),
    Page("approvals:adjustment-request", _p("/workflow/projects/{project}/adjustments/"), roles=UNIT_ROLES),
    Page(
        "approvals:basic-line-adjustment",
        _p("/workflow/basic-lines/{basic_line}/adjustments/"),
        roles=UNIT_ROLES,
    ),
    Page(
        "approvals:adjustment-revise",
        _p("/workflow/adjustments/{returned_adjustment}/revise/"),
        roles=("baoan_preparer", "baoan_head"),
    ),
    Page("approvals:inbox", _p("/workflow/inbox/")),
    Page("approvals:dashboard", _p("/workflow/dashboard/{year}/"), roles=BUREAU_ROLES),
    Page("approvals:cycle-start", _p("/workflow/cycles/new/"), roles=("hq_approver", "admin")),
    Page("approvals:cycle", _p("/workflow/cycles/{next_year}/"), roles=BUREAU_ROLES),
    Page("disclosure:index", _p("/disclosure/")),
    Page("disclosure:export", _p("/disclosure/exports/{export}/"), roles=("hq_reviewer",)),
    Page("disclosure:import", _p("/disclosure/imports/{import}/"), roles=("baoan_preparer",)),
    Page("disclosure:text", _p("/disclosure/text/{year}/"), roles=("hq_reviewer", "hq_approver", "auditor")),
    Page("reminders:mine", _p("/reminders/mine/")),
    Page("reminders:log", _p("/reminders/log/"), roles=BUREAU_ROLES),
    Page("performance:home", _p("/performance/")),
    Page("performance:bureau", _p("/performance/{year}/"), roles=BUREAU_ROLES),
    Page("performance:spending_import", _p("/performance/{year}/spending/"), roles=("hq_reviewer", "admin")),
    Page("performance:target_changes", _p("/performance/{year}/target-changes/"), roles=BUREAU_ROLES),
    Page("performance:unit", _p("/performance/{year}/{unit}/")),
    Page("performance:department_targets", _p("/performance/{next_year}/{unit}/targets/")),
    Page("performance:department_evaluation", _p("/performance/{year}/{unit}/evaluation/")),
    Page("performance:department_report", _p("/performance/{year}/{unit}/evaluation/report/")),
    Page(
        "performance:project_targets", _p("/performance/{next_year}/{unit}/projects/{next_project}/targets/")
    ),
    Page("performance:project_monitoring", _p("/performance/{year}/{unit}/projects/{project}/monitoring/")),
    Page(
        "performance:target_change_request",
        _p("/performance/{year}/{unit}/projects/{project}/monitoring/indicators/{indicator}/change/"),
        roles=UNIT_ROLES,
    ),
    Page("performance:project_evaluation", _p("/performance/{year}/{unit}/projects/{project}/evaluation/")),
    Page("reminders:settings", _p("/reminders/settings/"), roles=("hq_approver", "admin")),
    Page("password_change", _p("/accounts/password/")),
    # The ceilings (控制数) and the project library (项目库).
    Page("ceilings:index", _p("/ceilings/")),
    Page("ceilings:cycle", _p("/ceilings/{next_year}/")),
    Page("ceilings:scenarios", _p("/ceilings/{next_year}/scenarios/"), roles=BUREAU_ROLES),
    Page("ceilings:peers", _p("/ceilings/{next_year}/peers/"), roles=BUREAU_ROLES),
    Page("ceilings:unit", _p("/ceilings/{next_year}/{unit}/")),
    Page("ceilings:standards", _p("/ceilings/{next_year}/{unit}/standards/")),
    Page("ceilings:monitoring", _p("/ceilings/{year}/{unit}/monitoring/")),
    Page("library:index", _p("/library/")),
    Page("library:propose", _p("/library/new/"), roles=UNIT_ROLES),
    Page("library:import", _p("/library/import/"), roles=UNIT_ROLES),
    Page("library:project", _p("/library/{library_project}/"), roles=BUREAU_ROLES),
    # The admin pages the HQ queues use, and the history of an item.
    Page("admin:index", _p("/admin/"), roles=ADMIN_USERS),
    Page("admin:app_list", _p("/admin/approvals/"), roles=QUEUE_USERS),
    Page(
        "admin:approvals_reviewqueueproject_changelist",
        _p("/admin/approvals/reviewqueueproject/"),
        roles=QUEUE_USERS,
    ),
    Page(
        "admin:approvals_reviewqueueproject_change",
        _p("/admin/approvals/reviewqueueproject/{queued_project}/change/"),
        roles=QUEUE_USERS,
    ),
    Page(
        "admin:approvals_reviewqueuebudget_changelist",
        _p("/admin/approvals/reviewqueuebudget/"),
        roles=QUEUE_USERS,
    ),
    Page(
        "admin:budgets_adjustmentrequest_changelist",
        _p("/admin/budgets/adjustmentrequest/"),
        roles=ADMIN_USERS,
    ),
    Page("admin:budgets_project_history", _p("/admin/budgets/project/{project}/history/"), roles=ADMIN_USERS),
    Page(
        "admin:budgets_project_simple_history",
        _p("/admin/budgets/project/{project}/history/{history}/"),
        roles=("admin",),
    ),
    Page("admin:core_event_changelist", _p("/admin/core/event/"), roles=ADMIN_USERS),
    Page("admin:core_membership_add", _p("/admin/core/membership/add/"), roles=("admin",)),
    Page("admin:core_unit_delete", _p("/admin/core/unit/{unit_pk}/delete/"), roles=("admin",)),
    Page(
        "admin:budgets_catalogueversion_import",
        _p("/admin/budgets/catalogueversion/{catalogue_version}/import/"),
        roles=("admin",),
    ),
    Page("admin:password_change", _p("/admin/password_change/"), roles=("admin",)),
    Page(
        "admin:ceilings_expenditurestandard_import",
        _p("/admin/ceilings/expenditurestandard/import/"),
        roles=("admin",),
    ),
    Page(
        "admin:ceilings_expenditurestandard_export",
        _p("/admin/ceilings/expenditurestandard/export/"),
        roles=("admin",),
    ),
    Page("admin:auth_user_password_change", _p("/admin/auth/user/{branch_user}/password/"), roles=("admin",)),
]

# URL patterns that are not pages a person reads, with the reason.
EXCLUDED = {
    "logout": "POST only: logs out",
    "set_language": "POST only: switches the language",
    "approvals:project-transition": "POST only: a workflow action",
    "approvals:budget-transition": "POST only: a workflow action",
    "approvals:adjustment-transition": "POST only: a step of an adjustment",
    "disclosure:export-create": "POST only: starts an export",
    "disclosure:export-status": "JSON for the progress bar",
    "disclosure:export-download": "a download (xlsx)",
    "disclosure:import-create": "POST only: uploads a workbook",
    "disclosure:template": "a download (xlsx)",
    "disclosure:import-status": "JSON for the progress bar",
    "disclosure:import-confirm": "POST only: confirms an import",
    "performance:monitoring_open": "POST only: HQ opens the round",
    "performance:target_change_decide": "POST only: the approver's decision",
    "performance:targets_check": "POST only: JSON for the live target check",
    "performance:department_xlsx": "a download (xlsx)",
    "schema": "the OpenAPI schema (YAML)",
    "swagger-ui": "the API's documentation (Swagger UI, vendored, for developers)",
    "redoc": "the API's documentation (ReDoc, vendored, for developers)",
    "admin:login": "the admin's login redirects to the site's login",
    "admin:logout": "POST only",
    "admin:password_change_done": "a confirmation after a POST",
    "admin:jsi18n": "JavaScript",
    "admin:view_on_site": "a redirect",
    "admin:autocomplete": "JSON",
    "password_change_done": "a confirmation after a POST",
    "otp_verify": "the second factor's code page: only with OTP_REQUIRED, off in the test settings (tests/ops/test_second_factor.py)",
    "otp_enrol": "the second factor's enrolment: only with OTP_REQUIRED, off in the test settings (tests/ops/test_second_factor.py)",
    "ceilings:rounds-xlsx": "a download (xlsx)",
    "ceilings:act": "POST only: a step of a ceiling",
    "library:roll": "POST only: rolls the three-year plan",
    "library:transition": "POST only: a step of a library project",
    "library:assess": "POST only: saves the ex-ante assessment",
    "library:plan": "POST only: saves the three-year plan",
    "library:departure_reason": "POST only: a year's departure reason",
    "admin:ceilings_expenditurestandard_process_import": "POST only: confirms an import",
    "redoc-bundle": "JavaScript (ReDoc's bundle)",
}
# The API (budgets/api, performance/api) answers JSON: every pattern under these prefixes.
EXCLUDED_PREFIXES = {"api/v1/": "the REST API (JSON)"}
# The admin's generic views: one template per kind (Django's change_list.html, change_form.html,
# ...), scanned on the models above; every other model's views of that kind share the template.
ADMIN_GENERIC_KINDS = ("changelist", "change", "add", "delete", "history", "simple_history")
