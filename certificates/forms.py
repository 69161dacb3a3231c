import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from certificates import codes


class VerifyForm(forms.Form):
    """The verification code, typed as people type it (see certificates/codes.py)."""

    code = forms.CharField(
        label=_("verification code"),
        max_length=60,
        help_text=_(
            "26 letters and digits, printed under the QR code, e.g. 7KQ4 M2XD …; spaces and case do not matter."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}),
    )

    def clean_code(self):
        found = codes.candidates(self.cleaned_data["code"])
        if not found:
            raise forms.ValidationError(
                _("This is not a verification code: it has 26 letters and digits, as printed on the certificate."),
                code="invalid",
            )
        return found[0]


class VerifySerialForm(forms.Form):
    """The serial and the holder's name, both as printed on the certificate."""

    serial = forms.CharField(
        label=_("serial number"),
        max_length=40,
        help_text=_("As printed on the certificate, e.g. DQ-2026-T-000123."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    name = forms.CharField(
        label=_("holder's name"),
        max_length=100,
        help_text=_("The full name exactly as printed on the certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def clean_serial(self):
        return self.cleaned_data["serial"].strip().upper()

    def clean_name(self):
        return unicodedata.normalize("NFC", self.cleaned_data["name"].strip())


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("revocation reason"), max_length=200)
