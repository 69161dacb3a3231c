from django import forms
from django.utils.translation import gettext_lazy as _

from reports.figures import Scope

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
