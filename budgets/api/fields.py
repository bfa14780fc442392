"""Serializer fields of the API that parse by the application's own rules."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from budgets.money import MAX_AMOUNT, parse_amount


@extend_schema_field({"type": "string", "format": "decimal", "example": "1200000.00"})
class YuanField(serializers.Field):
    """An amount in yuan ("1200000.00", "1,200,000", or a JSON number), parsed by the one rule
    (``budgets.money.parse_amount``): NaN, Infinity, 1e30, negatives and sub-cent figures are
    refused here as on the forms. Written back as a decimal string."""

    default_error_messages = {"invalid": _("Enter an amount in yuan between 0 and %(max)s.")}

    def to_internal_value(self, data):
        try:
            return parse_amount(data)
        except ValueError:
            raise serializers.ValidationError(
                self.error_messages["invalid"] % {"max": f"{MAX_AMOUNT:,.2f}"}, code="invalid"
            ) from None

    def to_representation(self, value):
        return str(value)
