"""Bootstrap 5 look for every form in the site, allauth's included."""

from django.forms import BoundField, CheckboxInput, CheckboxSelectMultiple, RadioSelect, Select, SelectMultiple
from django.forms.renderers import TemplatesSetting


class BootstrapBoundField(BoundField):
    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, (CheckboxInput, CheckboxSelectMultiple, RadioSelect)):
            css_class = "form-check-input"
        elif isinstance(widget, (Select, SelectMultiple)):
            css_class = "form-select"
        else:
            css_class = "form-control"
        if self.form.is_bound and self.errors:
            css_class += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css_class}".strip()
        return attrs


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
    bound_field_class = BootstrapBoundField
