from django import template

register = template.Library()


@register.filter
def resident_id_for(practitioner, user) -> str:
    """The practitioner's resident ID as `user` may see it: masked unless they are an administrator."""
    return practitioner.resident_id_for(user)
