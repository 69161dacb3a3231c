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


class ManualPlacementForm(forms.Form):
    resident_id = ResidentIDFormField(label=_("resident ID"), max_length=24)
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none())

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions

    def clean_resident_id(self):
        number = self.cleaned_data["resident_id"]
        trainee = Practitioner.objects.filter(resident_id=number, status=Practitioner.Status.ACTIVE).first()
        if trainee is None:
            raise forms.ValidationError(_("Nobody active in the registry has this resident ID."), code="unknown")
        self.cleaned_data["trainee"] = trainee
        return number


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

    resident_id = ResidentIDFormField(label=_("tutor's resident ID"), max_length=24)

    def clean_resident_id(self):
        number = self.cleaned_data["resident_id"]
        tutor = Practitioner.objects.filter(resident_id=number, status=Practitioner.Status.ACTIVE).first()
        if tutor is None:
            raise forms.ValidationError(_("Nobody active in the registry has this resident ID."), code="unknown")
        self.cleaned_data["tutor"] = tutor
        return number
