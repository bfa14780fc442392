"""The bureau's units, the yearly cycle, classification codes and a unit's budget (DOMAIN §1-5).

Money is stored in yuan as Decimal with two places. Totals are never stored: they are computed
from the lines (see ``selectors.py``). ``PublishedFigure`` keeps figures as printed in a source
document (in 万元) only so that the consistency checker can compare them with the lines.
"""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import Unit
from core.policy import RestrictedManager

from .money import format_money
from .states import EDITABLE_STATES, LOCKED_STATES, State

ZERO = Decimal("0.00")


class MoneyField(models.DecimalField):
    """An amount in yuan: Decimal, two places, never negative."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 16)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(ZERO)])
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 16), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                kwargs.pop(key)
        kwargs.pop("validators", None)
        return name, path, args, kwargs


def non_negative(prefix: str, *fields: str, nullable: tuple[str, ...] = ()) -> list[models.CheckConstraint]:
    """The database side of MoneyField's "never negative": one check per amount field, so that
    a write that skips the validators (``QuerySet.update``, raw SQL, a bulk import) is refused too."""
    return [
        models.CheckConstraint(
            condition=Q(**{f"{name}__gte": 0}) | Q(**{f"{name}__isnull": True})
            if name in nullable
            else Q(**{f"{name}__gte": 0}),
            name=f"{prefix}_{name}_non_negative",
        )
        for name in (*fields, *nullable)
    ]


# --- Classification codes (data, loaded from fixtures) --------------------------------------


class CodeManager(models.Manager):
    """Lets ``loaddata`` find existing rows by their code, so reloading a fixture updates them."""

    def get_by_natural_key(self, code: str):
        return self.get(code=code)


class HierarchicalCode(models.Model):
    """A classification code with a name and a parent one level up; found by its code."""

    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    objects = CodeManager()

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class FunctionalCode(HierarchicalCode):
    """支出功能分类: 类 (3 digits) / 款 (5) / 项 (7)."""

    code = models.CharField(
        _("code"),
        max_length=7,
        unique=True,
        validators=[RegexValidator(r"^\d{3}(\d{2}(\d{2})?)?$", _("3, 5 or 7 digits"))],
    )

    class Meta(HierarchicalCode.Meta):
        verbose_name = _("functional classification code")
        verbose_name_plural = _("functional classification codes")

    @property
    def level(self) -> int:
        return {3: 1, 5: 2, 7: 3}[len(self.code)]


class EconomicCode(HierarchicalCode):
    """部门经济分类: class (3 digits, e.g. 301) and item (5 digits, e.g. 30101)."""

    code = models.CharField(
        _("code"),
        max_length=5,
        unique=True,
        validators=[RegexValidator(r"^\d{3}(\d{2})?$", _("3 or 5 digits"))],
    )

    class Meta(HierarchicalCode.Meta):
        verbose_name = _("economic classification code")
        verbose_name_plural = _("economic classification codes")

    @property
    def class_code(self) -> str:
        return self.code[:3]


class FundingSource(models.Model):
    """资金来源: 一般公共预算拨款 and its parts, 政府性基金预算拨款, 单位资金 …"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    is_fiscal = models.BooleanField(
        _("fiscal appropriation"),
        default=True,
        help_text=_("Counts as a fiscal appropriation (as opposed to the unit's own or other funds)."),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = CodeManager()

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)

    @property
    def is_leaf(self) -> bool:
        """A line is funded from one leaf of the tree (DOMAIN §9), never from a group."""
        return not self.children.exists()


# A line's funding source is one leaf of the tree (DOMAIN §9): declared once on the field, so the
# forms, the admin, the API and model validation all offer and accept leaves only.
LEAF_FUNDING_SOURCES = {"children__isnull": True}


class CatalogueVersion(models.Model):
    """A version of the government procurement catalogue (政府采购品目)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = CodeManager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("procurement catalogue version")
        verbose_name_plural = _("procurement catalogue versions")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.code,)


class ProcurementCategory(models.TextChoices):
    GOODS = "A", _("Goods")
    WORKS = "B", _("Works")
    SERVICES = "C", _("Services")


class ProcurementItemManager(models.Manager):
    def get_by_natural_key(self, catalogue_code: str, code: str):
        return self.get(catalogue__code=catalogue_code, code=code)


class ProcurementItem(models.Model):
    """An entry of one catalogue version; its first letter is the category (A/B/C)."""

    catalogue = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        related_name="items",
        verbose_name=_("procurement catalogue"),
    )
    code = models.CharField(
        _("code"), max_length=12, validators=[RegexValidator(r"^[ABC]\d*$", _("A, B or C + digits"))]
    )
    name = models.CharField(_("name"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # False for a well-formed code a line used although the published catalogue lacks it
    # (budgets.catalogue.resolve_item): kept, so the line is recorded and the code can be checked.
    listed = models.BooleanField(default=True, verbose_name=_("in the published catalogue"))

    objects = ProcurementItemManager()

    class Meta:
        ordering = ["catalogue", "code"]
        constraints = [models.UniqueConstraint(fields=["catalogue", "code"], name="procurement_item_unique")]
        verbose_name = _("procurement catalogue item")
        verbose_name_plural = _("procurement catalogue items")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def natural_key(self) -> tuple[str, str]:
        return (*self.catalogue.natural_key(), self.code)

    natural_key.dependencies = ["budgets.catalogueversion"]

    @property
    def category(self) -> str:
        return self.code[0]


class ProjectCategoryManager(models.Manager):
    def get_by_natural_key(self, name: str):
        return self.get(name=name)


class ProjectCategory(models.Model):
    """一级项目: the first-level project category. Names change between years, so it is data."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_reserve = models.BooleanField(
        _("budget reserve"),
        default=False,
        help_text=_("The budget reserve: kept within a share of the unit's budget."),
    )
    is_carried_over_procurement = models.BooleanField(_("carried-over procurement"), default=False)

    objects = ProjectCategoryManager()

    class Meta:
        ordering = ["sort_order", "name"]
        verbose_name = _("project category")
        verbose_name_plural = _("project categories")

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)


# --- The yearly cycle ----------------------------------------------------------------------


class CycleState(models.TextChoices):
    PREPARATION = "preparation", _("Preparation")
    REVIEW = "review", _("HQ review")
    APPROVED = "approved", _("Approved")
    PUBLISHED = "published", _("Published")
    EXECUTION = "execution", _("Execution")
    CLOSED = "closed", _("Closed")


class DisclosureFormat(models.TextChoices):
    F2020 = "2020", _("2020 format (tables 1-15)")
    F2022 = "2022", _("2022 format (tables 1-11)")


class BudgetCycle(models.Model):
    """The budget of fiscal year ``year``, prepared in the autumn of year - 1."""

    year = models.PositiveSmallIntegerField(_("fiscal year"), unique=True)
    state = models.CharField(
        _("state"), max_length=20, choices=CycleState.choices, default=CycleState.PREPARATION
    )
    disclosure_format = models.CharField(
        _("disclosure format"),
        max_length=4,
        choices=DisclosureFormat.choices,
        default=DisclosureFormat.F2022,
    )
    procurement_catalogue = models.ForeignKey(
        CatalogueVersion,
        on_delete=models.PROTECT,
        related_name="cycles",
        verbose_name=_("procurement catalogue"),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("budget cycle")
        verbose_name_plural = _("budget cycles")

    def __str__(self) -> str:
        return str(self.year)


class DeadlineKind(models.TextChoices):
    PREPARATION = "preparation", _("Branch submissions due")
    REVIEW = "review", _("HQ review complete")
    PUBLICATION = "publication", _("Publication of the disclosure tables")
    MONITORING_DATA_AS_OF = "monitoring_data_as_of", _("Mid-year monitoring: data as of")
    MONITORING_OPEN = "monitoring_open", _("Mid-year monitoring opens")
    MONITORING_DUE = "monitoring_due", _("Mid-year monitoring due")
    SELF_EVALUATION_DUE = "self_evaluation_due", _("Self-evaluation due")


class CycleDeadline(models.Model):
    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="deadlines", verbose_name=_("cycle")
    )
    kind = models.CharField(_("deadline"), max_length=30, choices=DeadlineKind.choices)
    due_date = models.DateField(_("date"))

    class Meta:
        ordering = ["cycle", "due_date"]
        constraints = [models.UniqueConstraint(fields=["cycle", "kind"], name="cycle_deadline_unique")]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadline calendar")

    def __str__(self) -> str:
        return f"{self.cycle} {self.get_kind_display()} {self.due_date}"


class StaffingFact(models.Model):
    """Per unit and year: the staffing and asset facts the rules use (DOMAIN §1, §8)."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="staffing", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="staffing", verbose_name=_("unit"))
    authorised_headcount = models.PositiveIntegerField(_("authorised headcount"))
    actual_headcount = models.PositiveIntegerField(_("staff on the establishment"))
    retired = models.PositiveIntegerField(_("retired"), default=0)
    retired_pre1949 = models.PositiveIntegerField(_("pre-1949 retired"), default=0)
    outsourced_staff = models.PositiveIntegerField(_("staff outside the establishment"), default=0)
    vehicles = models.PositiveIntegerField(_("vehicles"), default=0)
    # Whole square metres; empty when not recorded (a per-area standard then gives nothing).
    floor_area = models.PositiveIntegerField(_("office floor area (m²)"), null=True, blank=True)
    fixed_assets_original_value = MoneyField(_("fixed assets, original value"), null=True, blank=True)
    fixed_assets_in_use_value = MoneyField(_("fixed assets in use"), null=True, blank=True)
    # The unit's budget of the same cycle, joined on (cycle, unit) without a column of its own:
    # the facts are part of the unit's submission and follow its lock (policy, every path).
    budget = models.ForeignObject(
        "UnitBudget",
        on_delete=models.DO_NOTHING,
        from_fields=["cycle", "unit"],
        to_fields=["cycle", "unit"],
        related_name="+",
        verbose_name=_("unit budget"),
    )

    objects = RestrictedManager()
    access_unit_path = "unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["cycle", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "unit"], name="staffing_unique"),
            models.CheckConstraint(
                condition=Q(fixed_assets_in_use_value__lte=F("fixed_assets_original_value"))
                | Q(fixed_assets_in_use_value__isnull=True)
                | Q(fixed_assets_original_value__isnull=True),
                name="staffing_assets_in_use_within_total",
            ),
            *non_negative("staffing", nullable=("fixed_assets_original_value", "fixed_assets_in_use_value")),
        ]
        verbose_name = _("staffing facts")
        verbose_name_plural = _("staffing facts")

    def __str__(self) -> str:
        return f"{self.cycle} {self.unit}"


# --- A unit's budget for a year ------------------------------------------------------------


class WorkflowItem(models.Model):
    """An item that goes through the approval workflow (approvals/workflow.py): a unit's
    submission or a project request. ``version`` grows with every save, so that two people
    editing the same draft cannot overwrite each other unnoticed."""

    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        abstract = True

    @property
    def is_locked(self) -> bool:
        return self.state in LOCKED_STATES


class UnitBudget(WorkflowItem):
    """A unit's budget for a cycle. Its state is the state of the unit's submission (basic
    expenditure, procurement, 三公); each project request has a state of its own."""

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("cycle")
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="budgets", verbose_name=_("unit"))
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["cycle", "unit__sort_order"]
        constraints = [models.UniqueConstraint(fields=["cycle", "unit"], name="unit_budget_unique")]
        indexes = [models.Index(fields=["state", "state_changed_at"], name="unit_budget_review_queue")]
        verbose_name = _("unit budget")
        verbose_name_plural = _("unit budgets")

    def __str__(self) -> str:
        return f"{self.cycle.year} {self.unit}"


class BasicExpenditureLine(models.Model):
    """基本支出: economic x functional x funding source x amount.

    Either code may be missing: published data often gives only one breakdown (DOMAIN §5), and
    an economic code may be a class (301) rather than an item (30101).
    """

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="basic_lines", verbose_name=_("unit budget")
    )
    functional_code = models.ForeignKey(
        FunctionalCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("functional code")
    )
    economic_code = models.ForeignKey(
        EconomicCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("economic code")
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=LEAF_FUNDING_SOURCES,
        verbose_name=_("funding source"),
    )
    amount = MoneyField(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "functional_code__code", "economic_code__code", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(functional_code__isnull=False) | Q(economic_code__isnull=False),
                name="basic_line_has_a_code",
            ),
            *non_negative("basic_line", "amount"),
        ]
        verbose_name = _("basic expenditure line")
        verbose_name_plural = _("basic expenditure lines")

    def __str__(self) -> str:
        return f"{self.functional_code or ''} {self.economic_code or ''} {self.amount}"

    @property
    def is_locked(self) -> bool:
        return self.budget.is_locked


class ProjectType(models.TextChoices):
    GENERAL = "general", _("General project expenditure")
    SPECIAL = "special", _("Special project expenditure")
    INVESTMENT = "investment", _("Government investment project")
    FUND = "fund", _("Government fund project")


class FundUse(models.TextChoices):
    BUSINESS = "business", _("Operations")
    POLICY = "policy", _("Policy (transfer payments)")
    MAINTENANCE = "maintenance", _("Engineering and maintenance")
    CONSTRUCTION = "construction", _("Capital construction")
    IT = "it", _("IT project")
    EQUIPMENT = "equipment", _("Equipment purchase and maintenance")


class Project(WorkflowItem):
    """项目支出: a project request with every field of DOMAIN §5.

    This year's amount is fiscal + other funds; ``total_amount`` is the project's whole
    (possibly multi-year) amount and may be larger.
    """

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="projects", verbose_name=_("unit budget")
    )
    name = models.CharField(_("project name"), max_length=200)
    category = models.ForeignKey(
        ProjectCategory, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("category")
    )
    project_type = models.CharField(
        _("type"), max_length=20, choices=ProjectType.choices, default=ProjectType.GENERAL
    )
    use_of_funds = models.CharField(
        _("use of funds"), max_length=20, choices=FundUse.choices, default=FundUse.BUSINESS
    )
    start_date = models.DateField(_("planned start"), null=True, blank=True)
    end_date = models.DateField(_("planned end"), null=True, blank=True)
    total_amount = MoneyField(_("project total amount"))
    fiscal_amount = MoneyField(_("fiscal funds this year"), default=ZERO)
    other_amount = MoneyField(_("other funds this year"), default=ZERO)
    functional_code = models.ForeignKey(
        FunctionalCode, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("functional code")
    )
    funding_source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        limit_choices_to=LEAF_FUNDING_SOURCES,
        verbose_name=_("funding source"),
    )
    asset_purchase_amount = MoneyField(_("fixed-asset purchases"), default=ZERO)
    asset_catalogue = models.CharField(_("fixed-asset catalogue items"), max_length=200, blank=True)
    background = models.TextField(_("background"), blank=True)
    content = models.TextField(_("content"), blank=True)
    scope = models.TextField(_("scope"), blank=True)
    purpose = models.TextField(_("purpose"), blank=True)
    midterm_goal = models.TextField(_("mid-term goal"), blank=True)
    annual_goal = models.TextField(_("annual goal"), blank=True)
    last_year_amount = MoneyField(_("last year's amount"), null=True, blank=True)
    change_reason = models.TextField(_("reason for the change"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "sort_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "name"], name="project_name_unique_in_budget"),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date"))
                | Q(end_date__isnull=True)
                | Q(start_date__isnull=True),
                name="project_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(total_amount__gte=F("fiscal_amount") + F("other_amount")),
                name="project_total_covers_this_year",
            ),
            *non_negative(
                "project",
                "total_amount",
                "fiscal_amount",
                "other_amount",
                "asset_purchase_amount",
                nullable=("last_year_amount",),
            ),
        ]
        indexes = [models.Index(fields=["state", "state_changed_at"], name="project_review_queue")]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return self.name

    @property
    def needs_targets(self) -> bool:
        """Performance targets (表15) are set for spending with a purpose: the budget reserve and
        payments left over from an earlier year's procurement have none (the published tables
        never give them any), so neither the check list nor the workbook asks for them."""
        category = self.category
        return not (category and (category.is_reserve or category.is_carried_over_procurement))

    @property
    def amount(self) -> Decimal:
        """This year's amount: the sum of its two parts."""
        return (self.fiscal_amount or ZERO) + (self.other_amount or ZERO)

    @property
    def is_multi_year(self) -> bool:
        return bool(self.start_date and self.end_date and self.start_date.year != self.end_date.year)


class ProjectSubItem(models.Model):
    """明细: an itemisation of a project's amount (e.g. 龙华分局 社保综合管理 into 11 lines). A
    sub-item may carry its own functional code: a project can span several (社保专项)."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="sub_items", verbose_name=_("project")
    )
    name = models.CharField(_("name"), max_length=200)
    amount = MoneyField(_("amount (yuan)"))
    functional_code = models.ForeignKey(
        FunctionalCode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("functional code"),
        help_text=_("Only when this part of the project is classified differently from the project."),
    )
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "project__budget__unit"
    access_state_path = "project__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["project", "sort_order", "id"]
        constraints = non_negative("project_sub_item", "amount")
        verbose_name = _("project sub-item")
        verbose_name_plural = _("project sub-items")

    def __str__(self) -> str:
        return self.name


class ProjectFunctionalPart(models.Model):
    """Of a unit's project spending, an amount classified under another functional code than the
    projects' own, when it is not known which project it belongs to (the 2020 表7 prints e.g.
    培训支出 56 万 of 局本级's projects without saying whose). The disclosure tables move the amount
    from the code carrying most of the unit's project spending to this one; totals do not change."""

    budget = models.ForeignKey(
        UnitBudget,
        on_delete=models.CASCADE,
        related_name="project_functional_parts",
        verbose_name=_("unit budget"),
    )
    functional_code = models.ForeignKey(
        FunctionalCode, on_delete=models.PROTECT, verbose_name=_("functional code")
    )
    amount = MoneyField(_("amount (yuan)"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "functional_code__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "functional_code"], name="project_functional_part_unique"
            ),
            *non_negative("project_functional_part", "amount"),
        ]
        verbose_name = _("part of project spending under another functional code")
        verbose_name_plural = _("parts of project spending under another functional code")

    def __str__(self) -> str:
        return f"{self.budget} {self.functional_code} {self.amount}"


class ProcurementLine(models.Model):
    """政府采购: a planned purchase. Of its amount, a part may be reserved for SMEs (面向中小企业)
    and a part for small and micro enterprises (面向小型、微型企业); a carried-over line is a
    payment left from an earlier year's procurement (待支付以前年度政府采购)."""

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="procurement_lines", verbose_name=_("unit budget")
    )
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="procurement_lines"
    )
    item = models.ForeignKey(
        ProcurementItem, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("catalogue item")
    )
    description = models.CharField(_("description"), max_length=200, blank=True)
    amount = MoneyField(_("amount (yuan)"))
    sme_amount = MoneyField(_("reserved for SMEs"), default=ZERO)
    small_micro_amount = MoneyField(_("reserved for small and micro enterprises"), default=ZERO)
    carried_over = models.BooleanField(_("carried over from an earlier year"), default=False)
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "carried_over", "item__code", "id"]
        constraints = [
            # Officers write small and micro enterprises as a part (其中) of the SME reservation.
            models.CheckConstraint(
                condition=Q(amount__gte=F("sme_amount")),
                name="procurement_sme_within_amount",
                violation_error_message=_("The amount reserved for SMEs cannot exceed the line's amount."),
            ),
            models.CheckConstraint(
                condition=Q(sme_amount__gte=F("small_micro_amount")),
                name="procurement_small_micro_within_sme",
                violation_error_message=_(
                    "The amount for small and micro enterprises is part of the SME reservation (其中) and "
                    "cannot exceed it."
                ),
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=False) | Q(carried_over=True),
                name="procurement_current_year_has_item",
            ),
            *non_negative("procurement", "amount", "sme_amount", "small_micro_amount"),
        ]
        verbose_name = _("procurement line")
        verbose_name_plural = _("procurement lines")

    def __str__(self) -> str:
        return f"{self.item or self.description} {self.amount}"


class ThreePublicExpense(models.Model):
    """三公经费 of one unit for one year (the cycle's year, or the year before for comparison)."""

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="three_public", verbose_name=_("unit budget")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    abroad = MoneyField(_("Official travel abroad"), default=ZERO)
    reception = MoneyField(_("Official reception"), default=ZERO)
    vehicle_purchase = MoneyField(_("Official vehicle purchase"), default=ZERO)
    vehicle_operation = MoneyField(_("Official vehicle operation"), default=ZERO)
    change_reason = models.CharField(
        _("reason for the change"),
        max_length=500,
        blank=True,
        help_text=_("Why this year's figures differ from last year's (printed under 表8)."),
    )
    history = HistoricalRecords()

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "year"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "year"], name="three_public_unique_year"),
            *non_negative("three_public", "abroad", "reception", "vehicle_purchase", "vehicle_operation"),
        ]
        verbose_name = _("three public expenses")
        verbose_name_plural = _("three public expenses")

    def __str__(self) -> str:
        return f"{self.budget} {self.year}"

    @property
    def vehicle_subtotal(self) -> Decimal:
        return self.vehicle_purchase + self.vehicle_operation

    @property
    def total(self) -> Decimal:
        return self.abroad + self.reception + self.vehicle_subtotal


class AssetCategory(models.TextChoices):
    VEHICLE = "vehicle", _("Official vehicles")
    GENERAL_EQUIPMENT = "general_equipment", _("General equipment (≥ 500,000 yuan each)")
    SPECIAL_EQUIPMENT = "special_equipment", _("Special equipment (≥ 1,000,000 yuan each)")


class AssetLine(models.Model):
    budget = models.ForeignKey(
        UnitBudget, on_delete=models.CASCADE, related_name="asset_lines", verbose_name=_("unit budget")
    )
    category = models.CharField(_("category"), max_length=20, choices=AssetCategory.choices)
    held_quantity = models.PositiveIntegerField(_("held"), default=0)
    planned_quantity = models.PositiveIntegerField(_("planned purchases"), default=0)
    planned_amount = MoneyField(_("planned amount"), default=ZERO)

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    access_state_path = "budget__state"
    access_editable_states = EDITABLE_STATES

    class Meta:
        ordering = ["budget", "category"]
        constraints = [
            models.UniqueConstraint(fields=["budget", "category"], name="asset_line_unique_category"),
            *non_negative("asset_line", "planned_amount"),
        ]
        verbose_name = _("asset line")
        verbose_name_plural = _("asset lines")

    def __str__(self) -> str:
        return f"{self.budget} {self.get_category_display()}"


# --- In-year adjustments (预算调整) ----------------------------------------------------------


class AdjustmentState(models.TextChoices):
    """The adjustment's path is the budget's (approvals/workflow.py): the unit's preparer asks,
    the branch head signs off, the HQ reviewer recommends (or returns), the HQ approver decides."""

    WITH_BRANCH_HEAD = "with_branch_head", _("With the branch head")
    SUBMITTED = "submitted", _("Submitted to HQ")
    RECOMMENDED = "recommended", _("Recommended for approval")
    RETURNED = "returned", _("Returned for revision")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# An adjustment in one of these states is still open: an item has at most one open adjustment.
OPEN_ADJUSTMENT_STATES = (
    AdjustmentState.WITH_BRANCH_HEAD,
    AdjustmentState.SUBMITTED,
    AdjustmentState.RECOMMENDED,
    AdjustmentState.RETURNED,
)


def basic_line_label(line: BasicExpenditureLine) -> str:
    """A basic line as its unit knows it: functional code and name, economic code and name,
    funding source and the line's own note, so that two lines of 2080109 are told apart."""
    parts = [
        f"{code.code} {code.name}" for code in (line.functional_code, line.economic_code) if code is not None
    ]
    if line.funding_source is not None:
        parts.append(line.funding_source.name)
    if line.note:
        parts.append(line.note)
    return " · ".join(parts)


class AdjustmentRequest(models.Model):
    """预算调整: a change to an approved project's amount, or to a basic-expenditure line of an
    approved unit submission, with its own approval. The original and the adjusted amounts are
    both kept; the change is applied only when approved. (A basic line has one amount: it is
    kept in the fiscal fields, the other funds staying zero.)"""

    budget = models.ForeignKey(
        UnitBudget, on_delete=models.PROTECT, related_name="adjustments", verbose_name=_("unit budget")
    )
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("project"),
    )
    basic_line = models.ForeignKey(
        BasicExpenditureLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adjustments",
        verbose_name=_("basic expenditure line"),
    )
    original_fiscal_amount = MoneyField(_("original fiscal funds"))
    original_other_amount = MoneyField(_("original other funds"))
    adjusted_fiscal_amount = MoneyField(_("adjusted fiscal funds"))
    adjusted_other_amount = MoneyField(_("adjusted other funds"))
    adjusted_sub_items = models.JSONField(
        _("adjusted sub-items"),
        default=dict,
        blank=True,
        help_text=_("Of an itemised project: the new amount of each sub-item, by its id, in yuan."),
    )
    reason = models.TextField(_("reason"))
    state = models.CharField(
        _("state"),
        max_length=20,
        choices=AdjustmentState.choices,
        default=AdjustmentState.WITH_BRANCH_HEAD,
        db_index=True,
    )
    state_changed_at = models.DateTimeField(_("in this state since"), default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("requested by")
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_comment = models.TextField(_("decision comment"), blank=True)

    objects = RestrictedManager()
    access_unit_path = "budget__unit"
    # Nobody edits an adjustment: it moves, and a returned one is revised, only through its
    # machine (approvals/workflow.py).
    access_state_path = "state"
    access_editable_states = frozenset()

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(state__in=OPEN_ADJUSTMENT_STATES),
                name="one_open_adjustment_per_project",
            ),
            models.UniqueConstraint(
                fields=["basic_line"],
                condition=models.Q(state__in=OPEN_ADJUSTMENT_STATES),
                name="one_open_adjustment_per_basic_line",
            ),
            models.CheckConstraint(
                condition=models.Q(project__isnull=False, basic_line__isnull=True)
                | models.Q(project__isnull=True, basic_line__isnull=False),
                name="adjustment_of_a_project_or_a_basic_line",
            ),
            *non_negative(
                "adjustment",
                "original_fiscal_amount",
                "original_other_amount",
                "adjusted_fiscal_amount",
                "adjusted_other_amount",
            ),
        ]
        indexes = [models.Index(fields=["state", "state_changed_at"], name="adjustment_review_queue")]
        verbose_name = _("budget adjustment")
        verbose_name_plural = _("budget adjustments")

    def __str__(self) -> str:
        before = format_money(self.original_amount, "yuan")
        return f"{self.subject_label}: {before} → {format_money(self.adjusted_amount, 'yuan', unit=True)}"

    @property
    def subject(self):
        return self.project or self.basic_line

    @property
    def subject_label(self) -> str:
        """What is adjusted, in words: the project's name, or the basic line's codes and names."""
        return self.project.name if self.project_id else basic_line_label(self.basic_line)

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_ADJUSTMENT_STATES

    @property
    def original_amount(self) -> Decimal:
        return self.original_fiscal_amount + self.original_other_amount

    @property
    def adjusted_amount(self) -> Decimal:
        return self.adjusted_fiscal_amount + self.adjusted_other_amount

    @property
    def delta(self) -> Decimal:
        return self.adjusted_amount - self.original_amount

    def sub_item_amounts(self) -> dict[int, Decimal]:
        """The adjusted amount of each sub-item, by its id (empty: the project is not itemised)."""
        return {int(pk): Decimal(amount) for pk, amount in (self.adjusted_sub_items or {}).items()}


class PublishedFigure(models.Model):
    """A figure as printed in a published table or submitted document, in 万元.

    Kept only for the consistency checker: every total the application shows is computed from
    the lines. ``row`` and ``column`` are stable keys (``total``, a code, ``A03`` …).
    """

    cycle = models.ForeignKey(
        BudgetCycle, on_delete=models.CASCADE, related_name="published_figures", verbose_name=_("cycle")
    )
    table = models.CharField(_("table"), max_length=20)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("unit"))
    row = models.CharField(_("row"), max_length=60)
    column = models.CharField(_("column"), max_length=40)
    label = models.CharField(_("label as printed"), max_length=200, blank=True)
    amount = models.DecimalField(_("amount (万元)"), max_digits=14, decimal_places=2)

    objects = RestrictedManager()
    access_unit_path = "unit"

    class Meta:
        ordering = ["cycle", "table", "unit__sort_order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "table", "unit", "row", "column"],
                condition=Q(unit__isnull=False),
                name="published_figure_unique_per_unit",
            ),
            models.UniqueConstraint(
                fields=["cycle", "table", "row", "column"],
                condition=Q(unit__isnull=True),
                name="published_figure_unique_bureau",
            ),
        ]
        verbose_name = _("published figure")
        verbose_name_plural = _("published figures")

    def __str__(self) -> str:
        return f"{self.table} {self.unit or '—'} {self.row}/{self.column} = {self.amount}"


def default_deadlines(year: int) -> dict[str, date]:
    """The calendar of DOMAIN §2 for fiscal year ``year``; every date is editable per cycle."""
    return {
        DeadlineKind.PREPARATION: date(year - 1, 10, 31),
        DeadlineKind.REVIEW: date(year - 1, 12, 20),
        DeadlineKind.PUBLICATION: date(year, 1, 20),
        DeadlineKind.MONITORING_DATA_AS_OF: date(year, 7, 31),
        DeadlineKind.MONITORING_OPEN: date(year, 8, 1),
        DeadlineKind.MONITORING_DUE: date(year, 8, 31),
        DeadlineKind.SELF_EVALUATION_DUE: date(year + 1, 3, 31),
    }
