from django import forms
from django.utils.translation import gettext_lazy as _

from reports.figures import Scope
from reports.models import Indicator, RequiredFix

SELECT = "form-select form-select-sm"


class DashboardFilterForm(forms.Form):
    """Year and base of the administrator dashboard. A base is "t<id>" (training)
    or "p<id>" (practice); none means every base."""

    year = forms.TypedChoiceField(label=_("Year"), coerce=int, widget=forms.Select(attrs={"class": SELECT}))
    base = forms.ChoiceField(label=_("Base"), required=False, widget=forms.Select(attrs={"class": SELECT}))

    def __init__(self, data, *, this_year: int, years: list[int], training_bases, practice_bases):
        super().__init__(data)
        self.this_year = this_year
        self.fields["year"].choices = [(year, year) for year in years]
        self.fields["base"].choices = [
            ("", _("All bases")),
            (_("Training bases"), [(f"t{base.pk}", base.name) for base in training_bases]),
            (_("Practice bases"), [(f"p{base.pk}", base.name) for base in practice_bases]),
        ]

    def scope(self) -> Scope:
        if not self.is_valid():
            return Scope(year=self.this_year)
        year, base = self.cleaned_data["year"], self.cleaned_data["base"]
        if base.startswith("t"):
            return Scope(year=year, training_bases=[int(base[1:])], practice_bases=[])
        if base.startswith("p"):
            return Scope(year=year, training_bases=[], practice_bases=[int(base[1:])])
        return Scope(year=year)


class YearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, widget=forms.Select(attrs={"class": SELECT}))

    def __init__(self, data, *, this_year: int, years: list[int]):
        super().__init__(data)
        self.this_year = this_year
        self.fields["year"].choices = [(year, year) for year in years]

    def chosen_year(self) -> int:
        return self.cleaned_data["year"] if self.is_valid() else self.this_year


class IndicatorEntryForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("indicator"), queryset=Indicator.objects.none())
    value = forms.DecimalField(label=_("value"), max_digits=9, decimal_places=1)
    note = forms.CharField(label=_("note"), max_length=300, required=False)
    evidence = forms.FileField(label=_("evidence"), required=False, help_text=_("PDF or Word (DOCX)."))

    def __init__(self, *args, kind: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].queryset = Indicator.objects.filter(base_kind=kind, active=True)


class CommentsForm(forms.Form):
    comments = forms.CharField(label=_("reviewer comments"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RequiredFixForm(forms.Form):
    description = forms.CharField(label=_("required fix"), max_length=300)
    due_date = forms.DateField(label=_("due date"), widget=forms.DateInput(attrs={"type": "date"}))


class FixFollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("status"), choices=RequiredFix.Status.choices)
    follow_up = forms.CharField(label=_("follow-up"), max_length=300, required=False)
