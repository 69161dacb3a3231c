"""How a certificate writes dates and hours, in the active language.

Django's own formats give `2026年12月1日` in Chinese but `Dec. 1, 2026` in
English; an official document spells the month out (1 December 2026). Hours
are stored with one decimal: 24 prints as 24, not 24.0.
"""

import datetime
from decimal import Decimal

from django import template
from django.utils import translation
from django.utils.dateformat import format as format_date

register = template.Library()

DATE_FORMATS = {"zh-hans": "Y年n月j日", "en": "j F Y"}


@register.filter
def certificate_date(value: datetime.date | None) -> str:
    if value is None:
        return ""
    return format_date(value, DATE_FORMATS.get(translation.get_language(), DATE_FORMATS["zh-hans"]))


@register.filter
def certificate_hours(value: Decimal | int | float | None) -> str:
    if value is None:
        return ""
    return f"{Decimal(str(value)).normalize():f}"
