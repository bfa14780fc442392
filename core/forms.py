"""Every form field has an accessible name.

The project's renderer (settings.FORM_RENDERER) gives every field this BoundField: a field shown
in a table row (a formset's sub-item, indicator or monitoring line), whose visible label is the
column header, is named by its label and row ("名称（第 1 行）"); any other field without a
<label> is named by its label, except a group of checkboxes or radio buttons, whose options are
named each by its own label. Django links a field to its errors and help text with
aria-describedby (ids "<field id>_error" and "<field id>_helptext"): a template that renders a
field by hand renders `{{ field.errors }}` and the help text with that id."""

import re

from django.forms import CheckboxSelectMultiple, RadioSelect
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

ROW = re.compile(r"-(\d+)$")


class AccessibleBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if widget.is_hidden or "aria-label" in attrs or "aria-label" in widget.attrs or not self.label:
            return attrs
        if isinstance(widget, (CheckboxSelectMultiple, RadioSelect)):
            return attrs  # each option is named by its own <label>; the group by its legend
        row = ROW.search(self.form.prefix or "")
        attrs["aria-label"] = (
            format_lazy(_("{label} (row {row})"), label=self.label, row=int(row.group(1)) + 1)
            if row
            else self.label
        )
        return attrs


class AccessibleRenderer(DjangoTemplates):
    bound_field_class = AccessibleBoundField
