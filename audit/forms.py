import datetime

from auditlog.registry import auditlog
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _

from audit import display


def record_type_choices() -> list[tuple[str, str]]:
    models = sorted(auditlog.get_models(), key=lambda model: str(model._meta.verbose_name))
    return [("", _("All")), *((model._meta.label_lower, capfirst(model._meta.verbose_name)) for model in models)]


class LogFilterForm(forms.Form):
    user = forms.CharField(
        label=_("User"),
        required=False,
        # The keyword is the reader's word for "System" (what the log shows as
        # the actor of automatic changes); the English word is accepted too.
        widget=forms.TextInput(
            attrs={
                "placeholder": format_lazy(_("Email or name; “{system}” for automatic changes"), system=display.SYSTEM)
            }
        ),
    )
    record_type = forms.ChoiceField(label=_("Record type"), required=False, choices=record_type_choices)
    action = forms.TypedChoiceField(
        label=_("Action"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All")), *display.ACTIONS.items()],
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", forms.ValidationError(_("The end is before the start."), code="date_order"))
        return data

    def filter(self, entries):
        data = self.cleaned_data
        user = data["user"].strip()
        if user.casefold() in {"system", str(display.SYSTEM).casefold()}:
            entries = entries.filter(actor__isnull=True, actor_email__isnull=True)
        elif user:
            entries = entries.filter(
                Q(actor__email__icontains=user)
                | Q(actor__display_name__icontains=user)
                | Q(actor_email__icontains=user)
            )
        if data["record_type"]:
            app_label, _dot, model = data["record_type"].partition(".")
            entries = entries.filter(content_type__app_label=app_label, content_type__model=model)
        if data["action"] is not None:
            entries = entries.filter(action=data["action"])
        # Whole days in the site's time zone (Asia/Shanghai).
        if data["date_from"]:
            entries = entries.filter(timestamp__gte=_start_of(data["date_from"]))
        if data["date_to"]:
            entries = entries.filter(timestamp__lt=_start_of(data["date_to"] + datetime.timedelta(days=1)))
        return entries


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
