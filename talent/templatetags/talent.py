from django import template

register = template.Library()


@register.filter
def resident_id_for(practitioner, user) -> str:
    """The practitioner's resident ID as pages show it to `user`: masked, for
    administrators too (see Practitioner.resident_id_for)."""
    return practitioner.resident_id_for(user)
