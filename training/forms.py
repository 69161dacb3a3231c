from decimal import Decimal

from django import forms
from django.db.models import Q
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from training.models import Course, CourseSession, TrainingBase
from training.services import Result


class CatalogueFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Course title or code")})
    )
    base = forms.ModelChoiceField(
        label=_("training base"), required=False, queryset=TrainingBase.objects.all(), empty_label=_("All")
    )
    topic = forms.ChoiceField(label=_("topic"), required=False, choices=[("", _("All")), *Course.Topic.choices])

    def filter(self, sessions):
        data = self.cleaned_data
        if data["q"]:
            sessions = sessions.filter(Q(course__title__icontains=data["q"]) | Q(course__code__icontains=data["q"]))
        if data["base"]:
            sessions = sessions.filter(course__base=data["base"])
        if data["topic"]:
            sessions = sessions.filter(course__topic=data["topic"])
        return sessions


class CapacityForm(forms.ModelForm):
    class Meta:
        model = CourseSession
        fields = ["capacity"]


class ResultForm(forms.Form):
    """One enrolled person's results. Without a pass mark the course has no
    examination, so there is no score to enter (`with_score=False`)."""

    enrollment = forms.IntegerField(widget=forms.HiddenInput)
    attended_hours = forms.DecimalField(
        label=_("attended hours"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    score = forms.DecimalField(label=_("score"), required=False, min_value=0, max_value=100, decimal_places=1)
    note = forms.CharField(label=_("result note"), required=False, max_length=200)
    override_reason = forms.CharField(
        label=_("Why the hours differ from the register"),
        required=False,
        max_length=500,
        help_text=_("Needed when the attended hours differ from the register; kept in the audit log."),
    )

    def __init__(self, *args, with_score: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_score:
            del self.fields["score"]

    def result(self) -> Result:
        data = self.cleaned_data
        # A score stored before the pass mark was removed is kept as it was.
        score = data["score"] if "score" in self.fields else self.initial.get("score")
        return Result(
            attended_hours=data["attended_hours"],
            score=score,
            note=data["note"],
            override_reason=data.get("override_reason", ""),
        )


class BaseResultFormSet(forms.BaseFormSet):
    def results(self) -> dict[int, Result]:
        return {form.cleaned_data["enrollment"]: form.result() for form in self.forms}


ResultFormSet = forms.formset_factory(ResultForm, formset=BaseResultFormSet, extra=0)


def with_full_attendance(data: QueryDict, *, hours: Decimal, prefix: str = "form") -> QueryDict:
    """The posted results with every empty attended-hours box set to the
    course's hours (the "all attended" button), to show again before saving."""
    data = data.copy()
    for key in data:
        if key.startswith(f"{prefix}-") and key.endswith("-attended_hours") and not data[key].strip():
            data[key] = str(hours)
    return data


class EarlyEndForm(forms.Form):
    """An administrator's override for a session that really ended before its
    end date: the service checks the rest (administrator, started, reason)."""

    ended_early = forms.BooleanField(
        label=_("The session really ended early: move its end date to today"), required=False
    )
    reason = forms.CharField(
        label=_("Why it ended early"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log."),
    )
