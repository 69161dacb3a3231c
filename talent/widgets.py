"""Widgets the registry's pages need beyond Django's own."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe


class PlainSelect(forms.Select):
    """A Select written out in Python. Django renders each option through two
    template includes; for the registry filter's organizations (300 at
    national size) that was most of the page's 28 ms (cProfile, 2026-12).
    The HTML is the same as Django's (tests/talent/test_widgets.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{escape(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            for option in options:
                value = "" if option["value"] is None else str(option["value"])
                parts.append(
                    f'<option value="{escape(value)}"{flatatt(option["attrs"])}>{escape(option["label"])}</option>'
                )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308 -- every name, value and label is escaped above
