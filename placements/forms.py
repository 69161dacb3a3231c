from django import forms
from django.utils.translation import gettext_lazy as _

from placements.models import HourLog, Position
from talent.fields import ResidentIDFormField
from talent.models import Practitioner


class PreferencesForm(forms.Form):
    """Up to five positions of one round, in order of preference."""

    def __init__(self, *args, round, **kwargs):
        super().__init__(*args, **kwargs)
        positions = round.positions.select_related("base__sub_district").order_by("base__sub_district__name", "code")
        for rank in range(1, 6):
            self.fields[f"choice_{rank}"] = forms.ModelChoiceField(
                label=_("Choice %(rank)d") % {"rank": rank},
                queryset=positions,
                required=False,
                empty_label="—",
            )

    def clean(self):
        cleaned_data = super().clean()
        chosen = [cleaned_data.get(f"choice_{rank}") for rank in range(1, 6)]
        positions = [p for p in chosen if p is not None]
        if len({p.pk for p in positions}) != len(positions):
            raise forms.ValidationError(_("Each position can be chosen once."), code="duplicate")
        cleaned_data["positions"] = positions
        return cleaned_data


class HourLogForm(forms.ModelForm):
    class Meta:
        model = HourLog
        fields = ["date", "hours", "activity"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}), "activity": forms.Textarea(attrs={"rows": 2})}


class ReviewForm(forms.Form):
    approve = forms.TypedChoiceField(coerce=lambda v: v == "1", choices=[("1", _("Approve")), ("0", _("Reject"))])
    reason = forms.CharField(label=_("reason"), required=False, max_length=200)


class PractitionerByResidentIDField(ResidentIDFormField):
    """A resident ID typed in, cleaned to the active practitioner it belongs to."""

    def clean(self, value):
        number = super().clean(value)
        practitioner = Practitioner.objects.filter(resident_id=number, status=Practitioner.Status.ACTIVE).first()
        if practitioner is None:
            raise forms.ValidationError(_("Nobody active in the registry has this resident ID."), code="unknown")
        return practitioner


class ManualPlacementForm(forms.Form):
    resident_id = PractitionerByResidentIDField(label=_("resident ID"), max_length=24)
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none())

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions


class MoveForm(forms.Form):
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none())

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions


class EvaluationForm(forms.Form):
    score = forms.DecimalField(label=_("score"), min_value=0, max_value=100, decimal_places=1)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class TutorForm(forms.Form):
    """The tutor from the trainee's school or training base, found by resident ID."""

    resident_id = PractitionerByResidentIDField(label=_("tutor's resident ID"), max_length=24)


class OverrideForm(forms.Form):
    """Matching or confirming a round: an administrator going ahead before the
    preference deadline says why (the service decides whether it is needed)."""

    override_reason = forms.CharField(
        label=_("Reason for going ahead before the deadline"), required=False, max_length=200
    )


class ReopenForm(forms.Form):
    preference_deadline = forms.DateTimeField(
        label=_("New preference deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
