from django import forms
from django.utils.translation import gettext_lazy as _

from placements.models import Appeal, Evaluation, HourLog, JournalEntry, LearningAgreement, Position, SiteVisit
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
            self.fields[f"statement_{rank}"] = forms.CharField(
                label=_("Why this position (optional, the base reads it)"), required=False, max_length=300
            )

    def clean(self):
        cleaned_data = super().clean()
        chosen = [(cleaned_data.get(f"choice_{r}"), cleaned_data.get(f"statement_{r}", "")) for r in range(1, 6)]
        positions = [p for p, _statement in chosen if p is not None]
        if len({p.pk for p in positions}) != len(positions):
            raise forms.ValidationError(_("Each position can be chosen once."), code="duplicate")
        cleaned_data["positions"] = positions
        cleaned_data["statements"] = [statement for p, statement in chosen if p is not None]
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
    """The tutor from the trainee's school or training base: picked from the
    search (`tutor`, the practitioner's id) or, without JavaScript, typed as a
    resident ID into the search box."""

    tutor = forms.ModelChoiceField(
        queryset=Practitioner.objects.filter(status=Practitioner.Status.ACTIVE), required=False
    )
    resident_id = forms.CharField(label=_("tutor"), required=False, max_length=60)

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get("tutor") is None:
            cleaned_data["tutor"] = PractitionerByResidentIDField(max_length=24).clean(cleaned_data.get("resident_id"))
        cleaned_data["resident_id"] = cleaned_data["tutor"]
        return cleaned_data


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


class MarkForm(forms.Form):
    reason = forms.CharField(label=_("Why not acceptable"), max_length=200)


class AppealForm(forms.Form):
    reason = forms.CharField(label=_("Why you appeal"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class ResolveAppealForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Appeal.Status.KEPT, _("Keep as proposed")),
            (Appeal.Status.MOVED, _("Move to")),
            (Appeal.Status.WITHDRAWN, _("Withdraw the placement")),
        ],
    )
    position = forms.ModelChoiceField(label=_("position"), queryset=Position.objects.none(), required=False)
    answer = forms.CharField(label=_("Answer to the trainee"), max_length=300, required=False)

    def __init__(self, *args, positions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["position"].queryset = positions


class AgreementForm(forms.ModelForm):
    class Meta:
        model = LearningAgreement
        fields = ["goals", "tasks", "schedule", "supervision"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class JournalForm(forms.ModelForm):
    class Meta:
        model = JournalEntry
        fields = ["week_start", "activities", "reflection"]
        widgets = {
            "week_start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "activities": forms.Textarea(attrs={"rows": 4}),
            "reflection": forms.Textarea(attrs={"rows": 4}),
        }


class JournalCommentForm(forms.Form):
    comment = forms.CharField(label=_("tutor's comment"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class VisitForm(forms.ModelForm):
    class Meta:
        model = SiteVisit
        fields = ["date", "people_met", "notes", "follow_up"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "follow_up": forms.Textarea(attrs={"rows": 2}),
        }


class RubricEvaluationForm(forms.Form):
    """A midterm or final evaluation: one level 1–5 and the evidence per
    competency of the rubric in use, and a comment."""

    stage = forms.ChoiceField(label=_("stage"), choices=Evaluation.Stage.choices)
    comment = forms.CharField(label=_("comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        self.rubric = rubric
        for competency in rubric:
            self.fields[f"level_{competency.pk}"] = forms.TypedChoiceField(
                label=competency.name,
                coerce=int,
                choices=[(n, f"{n} · {text}") for n, text in competency.levels()],
                widget=forms.RadioSelect,
            )
            self.fields[f"evidence_{competency.pk}"] = forms.CharField(
                label=_("Evidence"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
            )

    def rows(self):
        return [(c, self[f"level_{c.pk}"], self[f"evidence_{c.pk}"]) for c in self.rubric]

    def ratings(self) -> dict[int, tuple[int, str]]:
        data = self.cleaned_data
        return {c.pk: (data[f"level_{c.pk}"], data[f"evidence_{c.pk}"]) for c in self.rubric}


class SiteFeedbackForm(forms.Form):
    learning = forms.TypedChoiceField(
        label=_("learning opportunities"), coerce=int, choices=[(n, n) for n in range(1, 6)]
    )
    supervision = forms.TypedChoiceField(
        label=_("supervision on site"), coerce=int, choices=[(n, n) for n in range(1, 6)]
    )
    support = forms.TypedChoiceField(label=_("support and safety"), coerce=int, choices=[(n, n) for n in range(1, 6)])
    overall = forms.TypedChoiceField(label=_("overall"), coerce=int, choices=[(n, n) for n in range(1, 6)])
    comment = forms.CharField(
        label=_("comment (shown to the base only among five or more answers)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
