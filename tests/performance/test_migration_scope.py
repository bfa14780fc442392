"""Migration 0003: an evaluation saved before the scope existed covers its own unit, and the flags
of the first rubric become deductions (a 'no' is the whole point, with a reason saying so)."""

from importlib import import_module

from django.apps import apps

from core.models import Unit
from performance.models import DepartmentEvaluation

migration = import_module("performance.migrations.0003_evaluation_scope")


def test_old_inputs_are_carried_into_the_new_shape(demo):
    evaluation = DepartmentEvaluation.objects.create(
        cycle=demo,
        unit=Unit.objects.get(code="baoan"),
        inputs={
            "figures": {
                "procurement_policy_followed": {"value": True, "source": "检查记录"},
                "spending_compliant": {"value": False, "source": "审计报告"},
                "accounting_compliant": {"value": True, "source": ""},
                "budget_adjusted": {"value": "100.00", "source": "预算系统"},
            },
            "checklist": {
                "disclosure": {"points": "3", "reason": "均按时公开"},
                "petitions": {"points": "3", "reason": "按时办结"},
            },
        },
    )
    migration.forwards(apps, None)
    evaluation.refresh_from_db()
    assert [u.code for u in evaluation.scope.all()] == ["baoan"]
    assert evaluation.inputs["deductions"] == {
        "procurement_policy": {"points": "0", "reason": ""},
        "spending_compliance": {"points": "1", "reason": "原自评表记为“否”"},
        "accounting": {"points": "0", "reason": ""},
    }
    figures = evaluation.inputs["figures"]
    assert "spending_compliant" not in figures and figures["budget_adjusted"]["value"] == "100.00"
    assert (
        figures["disclosure_budget"]
        == figures["disclosure_final"]
        == {"value": "on_time", "source": "均按时公开"}
    )
    assert set(evaluation.inputs["checklist"]) == {"petitions"}
