"""The fields of a project request that its unit edits: one list for the form, the service, the
importer and the snapshot HQ sees."""

PROJECT_FIELDS = [
    "name", "category", "project_type", "use_of_funds", "start_date", "end_date", "total_amount",
    "fiscal_amount", "other_amount", "functional_code", "funding_source", "asset_purchase_amount",
    "asset_catalogue", "background", "content", "scope", "purpose", "midterm_goal", "annual_goal",
    "last_year_amount", "change_reason",
]  # fmt: skip
