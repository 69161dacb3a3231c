from django import template

from audit import display

register = template.Library()


@register.simple_tag
def audit_rows(entries) -> list[display.Row]:
    """`{% audit_rows entries as rows %}`: the entries ready to show (see `audit.display`)."""
    return display.rows(entries)
