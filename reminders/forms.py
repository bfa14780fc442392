from django import forms

from .models import ReminderPolicy


class ReminderPolicyForm(forms.ModelForm):
    """One deadline kind's policy; the rules are the model's (``ReminderPolicy.clean``), so the
    admin and this page refuse the same things."""

    class Meta:
        model = ReminderPolicy
        fields = [
            "enabled",
            "days_before",
            "overdue_daily",
            "stop_after_days",
            "escalate_to_head_after",
            "escalate_to_hq_after",
        ]
        widgets = {
            "days_before": forms.TextInput(
                attrs={"class": "form-control form-control-sm", "inputmode": "numeric"}
            ),
            "stop_after_days": forms.NumberInput(attrs={"class": "form-control form-control-sm", "min": 1}),
            "escalate_to_head_after": forms.NumberInput(
                attrs={"class": "form-control form-control-sm", "min": 0}
            ),
            "escalate_to_hq_after": forms.NumberInput(
                attrs={"class": "form-control form-control-sm", "min": 0}
            ),
            "enabled": forms.CheckboxInput(attrs={"class": "form-check-input"}),
            "overdue_daily": forms.CheckboxInput(attrs={"class": "form-check-input"}),
        }


ReminderPolicyFormSet = forms.modelformset_factory(
    ReminderPolicy, form=ReminderPolicyForm, extra=0, can_delete=False
)
