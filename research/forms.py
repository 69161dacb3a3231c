from django import forms
from django.utils.translation import gettext_lazy as _

from placements.models import PracticeBase
from research.models import ExchangeActivity, Milestone, Output, ProjectMember, ResearchProject
from talent.models import LearningRecord, Organization, Practitioner
from training.models import Course

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PractitionersField(forms.CharField):
    """People from the registry by resident ID or exact name, one per line."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("help_text", _("One per line: the resident ID, or the exact name as in the registry."))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        wanted = [line.strip() for line in value.splitlines() if line.strip()]
        found, missing = [], []
        for entry in wanted:
            matches = list(Practitioner.objects.filter(resident_id=entry.upper())[:1]) or list(
                Practitioner.objects.filter(name=entry)[:2]
            )
            if len(matches) != 1:
                missing.append(entry)
            elif matches[0] not in found:
                found.append(matches[0])
        if missing:
            raise forms.ValidationError(
                _("Not found in the registry, or more than one person: %(names)s") % {"names": "、".join(missing)},
                code="unknown_practitioner",
            )
        return found


class ProjectForm(forms.ModelForm):
    class Meta:
        model = ResearchProject
        fields = [
            "title",
            "lead_base",
            "partner_bases",
            "partner_organizations",
            "principal_practitioner",
            "start_date",
            "end_date",
            "status",
            "funding_source",
            "grant_amount",
            "summary",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "partner_bases": forms.CheckboxSelectMultiple,
            "principal_practitioner": forms.HiddenInput,
        }

    principal = PractitionersField(label=_("principal investigator"), required=False, widget=forms.TextInput)

    def __init__(self, *args, lead_bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_base"].queryset = lead_bases
        self.fields["partner_bases"].queryset = PracticeBase.objects.select_related("sub_district")
        self.fields["partner_organizations"].queryset = Organization.objects.all()
        self.fields["partner_organizations"].required = False
        self.fields["principal_practitioner"].required = False
        if self.instance.principal_practitioner_id:
            self.initial["principal"] = self.instance.principal_practitioner.resident_id

    def clean(self):
        cleaned = super().clean()
        people = cleaned.get("principal") or []
        if len(people) > 1:
            self.add_error("principal", forms.ValidationError(_("Name one person."), code="one_principal"))
        cleaned["principal_practitioner"] = people[0] if people else None
        self.instance.principal_practitioner = cleaned["principal_practitioner"]
        return cleaned


class MemberForm(forms.Form):
    people = PractitionersField(label=_("members to add"))
    role = forms.ChoiceField(label=_("role"), choices=ProjectMember.Role.choices)


class MilestoneForm(forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_date"]
        widgets = {"due_date": DATE}


class OutputForm(forms.ModelForm):
    class Meta:
        model = Output
        fields = ["kind", "title", "date", "authors", "file", "course"]
        widgets = {"date": DATE, "authors": forms.CheckboxSelectMultiple}

    def __init__(self, *args, project, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["authors"].queryset = project.members.select_related("practitioner")
        self.fields["course"].queryset = Course.objects.filter(base=project.lead_base)
        self.fields["file"].help_text = _("PDF or Word (DOCX).")


class ActivityForm(forms.ModelForm):
    class Meta:
        model = ExchangeActivity
        fields = ["training_base", "practice_base", "project", "kind", "title", "date", "place", "hours"]
        widgets = {"date": DATE}

    participants = PractitionersField(label=_("participants"), required=False)

    def __init__(self, *args, training_bases, practice_bases, projects, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["training_base"].queryset = training_bases
        self.fields["practice_base"].queryset = practice_bases
        self.fields["project"].queryset = projects


class ClaimForm(forms.Form):
    category = forms.ChoiceField(
        label=_("category"),
        choices=[c for c in LearningRecord.Category.choices if c[0] != LearningRecord.Category.COURSE],
    )
    title = forms.CharField(label=_("title"), max_length=200)
    date = forms.DateField(label=_("date"), widget=DATE)
    quantity = forms.DecimalField(
        label=_("quantity"),
        min_value=0.1,
        max_digits=6,
        decimal_places=1,
        help_text=_("Hours for training and supervision, days for conferences, items for publications, projects."),
    )
    description = forms.CharField(label=_("description"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    review_scope = forms.ChoiceField(label=_("reviewing base"))
    evidence = forms.FileField(label=_("evidence"), help_text=_("PDF or Word (DOCX)."))

    def __init__(self, *args, bases, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["review_scope"].choices = bases


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(label=_("reason"), required=False, max_length=300)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
