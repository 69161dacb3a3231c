from allauth.account.forms import SignupForm as AllauthSignupForm
from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from talent import services
from talent.fields import NameFormField, ResidentIDFormField
from talent.models import Organization, Practitioner, Specialty, SubDistrict
from talent.widgets import PlainSelect


class SignupForm(AllauthSignupForm):
    """allauth's sign-up, plus what the registry needs to find or create the
    person's record. Signing up makes a trainee. allauth adds the mobile
    number (`phone`, required, verified by a code before the account is used)
    and the email address (optional)."""

    name = NameFormField(label=_("name"), max_length=50)
    resident_id = ResidentIDFormField(
        label=_("resident ID"),
        max_length=24,
        help_text=_("Used to find your record if the committee already registered you."),
    )
    kind = forms.ChoiceField(label=_("kind"), choices=Practitioner.Kind.choices, initial=Practitioner.Kind.STUDENT)

    field_order = ["name", "resident_id", "phone", "kind", "email", "password1", "password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _("Optional: to sign in and be notified by email as well.")

    def clean(self):
        cleaned_data = super().clean()
        if self.cleaned_data.get("name") and self.cleaned_data.get("resident_id"):
            try:
                services.check_can_register(name=cleaned_data["name"], resident_id=cleaned_data["resident_id"])
            except services.RegistrationRefused as refusal:
                self.add_error("resident_id", forms.ValidationError(refusal.message, code=refusal.code))
        return cleaned_data

    def save(self, request):
        # The account and its registry record are made together or not at all.
        with transaction.atomic():
            return super().save(request)

    def signup(self, request, user):
        services.register_trainee(
            user=user,
            name=self.cleaned_data["name"],
            resident_id=self.cleaned_data["resident_id"],
            mobile=self.cleaned_data["phone"],
            kind=self.cleaned_data["kind"],
        )


class ContactForm(forms.ModelForm):
    """What trainees may change about themselves; identity and qualification
    are kept by the administrators."""

    class Meta:
        model = Practitioner
        fields = ["mobile", "email", "preferred_language"]


class UnmaskForm(forms.Form):
    """Why an administrator needs to see a full resident ID; both parts are
    kept in the audit log."""

    purpose = forms.ChoiceField(label=_("Purpose"), choices=[("", "—"), *services.UnmaskPurpose.choices])
    details = forms.CharField(
        label=_("Details"),
        max_length=200,
        help_text=_("For example the request or case it is for. The person can see that you looked."),
    )


class RegistryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Name, mobile, organization or last digits of ID")}),
    )
    kind = forms.ChoiceField(
        label=_("kind"), required=False, choices=[("", _("All")), *Practitioner.Kind.choices], widget=PlainSelect
    )
    qualification_level = forms.ChoiceField(
        label=_("qualification level"),
        required=False,
        choices=[("", _("All")), *Practitioner.QualificationLevel.choices],
        widget=PlainSelect,
    )
    sub_district = forms.ModelChoiceField(
        label=_("sub-district"),
        required=False,
        queryset=SubDistrict.objects.all(),
        empty_label=_("All"),
        widget=PlainSelect,
    )
    organization = forms.ModelChoiceField(
        label=_("organization"),
        required=False,
        queryset=Organization.objects.all(),
        empty_label=_("All"),
        widget=PlainSelect,
    )
    specialty = forms.ChoiceField(
        label=_("specialty"), required=False, choices=[("", _("All")), *Specialty.Code.choices], widget=PlainSelect
    )
    status = forms.ChoiceField(
        label=_("status"), required=False, choices=[("", _("All")), *Practitioner.Status.choices], widget=PlainSelect
    )

    def narrows(self) -> bool:
        """Whether any filter is set (call after is_valid())."""
        return any(self.cleaned_data.values())

    def filter(self, practitioners, *, full_id: bool):
        data = self.cleaned_data
        practitioners = practitioners.search(data["q"], full_id=full_id)
        for field in ["kind", "qualification_level", "sub_district", "organization", "status"]:
            if data[field]:
                practitioners = practitioners.filter(**{field: data[field]})
        if data["specialty"]:
            practitioners = practitioners.filter(specialties=data["specialty"])
        return practitioners
