from django import forms
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    code = forms.RegexField(
        label=_("verification code"),
        regex=r"^[A-Za-z0-9_-]{16,43}$",
        error_messages={"invalid": _("A verification code is 16 to 43 letters, digits, - or _.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip()


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("revocation reason"), max_length=200)
