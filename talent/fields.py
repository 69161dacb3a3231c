"""Fields for what people type in every form and spreadsheet: the resident ID,
the mobile number and the name. Each normalises what people type (spaces, a
lower-case x, a +86 prefix, a look-alike dot) before validating it, on every
path that goes through a form or `full_clean`: the site, the admin and the
imports."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from talent import names, resident_id


def normalize_mobile(value: str) -> str:
    value = re.sub(r"[\s-]", "", value or "")
    return re.sub(r"^\+?86(?=1\d{10}$)", "", value)


def validate_mobile(value: str) -> None:
    if not re.fullmatch(r"1[3-9]\d{9}", normalize_mobile(value)):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number starting with 1, such as 13912345678."),
            code="invalid_mobile",
        )


class ResidentIDFormField(forms.CharField):
    default_validators = [resident_id.validate]

    def to_python(self, value):
        return resident_id.normalize(super().to_python(value))


class MobileFormField(forms.CharField):
    default_validators = [validate_mobile]

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_mobile(value) if value else value  # keeps the field's empty value (None for a nullable one)


class NameFormField(forms.CharField):
    default_validators = [names.validate_name]

    def to_python(self, value):
        return names.normalize_name(super().to_python(value))


class ResidentIDField(models.CharField):
    default_validators = [resident_id.validate]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return resident_id.normalize(value) if value else value

    def formfield(self, **kwargs):
        # Room for the spaces people paste in; they are stripped before validation.
        return super().formfield(**{"form_class": ResidentIDFormField, "max_length": 24, **kwargs})


class MobileField(models.CharField):
    default_validators = [validate_mobile]

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 11)
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return normalize_mobile(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": MobileFormField, "max_length": 20, **kwargs})


class NameField(models.CharField):
    default_validators = [names.validate_name]

    def to_python(self, value):
        value = super().to_python(value)
        return names.normalize_name(value) if value else value

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": NameFormField, **kwargs})
