"""Generic widgets: what people type into a roster's cells, read in either
language (choices by code or label, related rows by name, dates as Chinese
spreadsheets write them)."""

from django.utils.translation import gettext as _
from django.utils.translation import override as language
from import_export import fields, widgets

from rosters import exports


class ChoiceWidget(widgets.Widget):
    """A choice by its code or by its label in either language (社会工作师,
    "Social worker", "intermediate"); exports the label in the user's language."""

    def __init__(self, choices, *, blank=""):
        super().__init__()
        self.choices = choices
        self.blank = blank

    def lookup(self) -> dict[str, str]:
        found = {}
        for code, label in self.choices.choices:
            found[code.lower()] = code
            for lang in ("en", "zh-hans"):
                with language(lang):
                    found[str(label).lower()] = code
        return found

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return self.blank
        if not hasattr(self, "_lookup"):
            self._lookup = self.lookup()
        try:
            return self._lookup[value.lower()]
        except KeyError:
            labels = "、".join(str(label) for _code, label in self.choices.choices)
            raise ValueError(_("“%(value)s” is not one of: %(labels)s.") % {"value": value, "labels": labels}) from None

    def render(self, value, obj=None, **kwargs):
        return str(self.choices(value).label) if value else ""


class LookupWidget(widgets.Widget):
    """A related row by any of its unique text columns (a sub-district by name
    or code), looked up in a dictionary loaded once per import."""

    def __init__(self, model, keys: tuple[str, ...], *, display: str):
        super().__init__()
        self.model, self.keys, self.display = model, keys, display
        self.cache: dict[str, object] | None = None

    def load(self):
        self.cache = {}
        for obj in self.model.objects.all():
            for key in self.keys:
                self.cache[str(getattr(obj, key)).strip().lower()] = obj

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        if self.cache is None:
            self.load()
        try:
            return self.cache[value.lower()]
        except KeyError:
            raise ValueError(
                _("There is no %(what)s “%(value)s”.") % {"what": self.model._meta.verbose_name, "value": value}
            ) from None

    def render(self, value, obj=None, **kwargs):
        return getattr(value, self.display, "") if value else ""


class TextWidget(widgets.CharWidget):
    """Text as typed, stripped (exports escape formulae in `export_field`)."""

    def clean(self, value, row=None, **kwargs):
        text = str(value).strip() if value is not None else ""
        # Read back a formula our export escaped ('=…), so a round trip changes nothing.
        if text.startswith("'") and text[1:].startswith(exports.FORMULA_STARTS):
            return text[1:]
        return text


class DateWidget(widgets.DateWidget):
    def __init__(self):
        super().__init__(format="%Y-%m-%d")

    def clean(self, value, row=None, **kwargs):
        value = (value or "").strip()
        if not value:
            return None
        candidates = [value, value.replace("/", "-").replace(".", "-"), value[:10]]
        if len(value) == 8 and value.isdigit():  # 19900101
            candidates.append(f"{value[:4]}-{value[4:6]}-{value[6:]}")
        for candidate in candidates:
            try:
                return super().clean(candidate.replace("年", "-").replace("月", "-").rstrip("日"))
            except ValueError:
                continue
        raise ValueError(_("“%(value)s” is not a date; write it as 2026-09-01.") % {"value": value})


class IntegerWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value)
        except (ValueError, ArithmeticError):
            raise ValueError(_("“%(value)s” is not a whole number.") % {"value": value}) from None


class DecimalWidget(widgets.DecimalWidget):
    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value)
        except (ValueError, ArithmeticError):
            raise ValueError(_("“%(value)s” is not a number.") % {"value": value}) from None


def text_field(attribute, **kwargs):
    return fields.Field(attribute=attribute, column_name=attribute, widget=TextWidget(), **kwargs)
