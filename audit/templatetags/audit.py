from django import template

from audit import display, history

register = template.Library()


@register.simple_tag
def audit_rows(entries) -> list[display.Row]:
    """`{% audit_rows entries as rows %}`: the entries ready to show (see `audit.display`)."""
    return display.rows(entries)


#: Latest changes on a practitioner's page; the audit log has the rest.
HISTORY_LENGTH = 10


@register.simple_tag(takes_context=True)
def practitioner_history(context, practitioner) -> list[display.Row] | None:
    """`{% practitioner_history practitioner as rows %}`: the latest entries of
    the person's trail, for someone who may read the audit log (it shows
    everyone's changes); None for anyone else."""
    if not context["request"].user.has_perm("auditlog.view_logentry"):
        return None
    return display.rows(history.entries_for(practitioner)[:HISTORY_LENGTH])
