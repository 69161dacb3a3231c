from django import forms
from django.utils.translation import gettext_lazy as _

from notifications import kinds


class ChannelsForm(forms.Form):
    """For each kind, by email and by SMS; the switches of mandatory kinds are on and fixed."""

    def __init__(self, *args, current: dict, can_email: bool, can_sms: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = []
        for code, choice in current.items():
            kind = choice["kind"]
            email = forms.BooleanField(
                label=_("by email"), required=False, initial=choice["email"], disabled=kind.mandatory
            )
            sms = forms.BooleanField(
                label=_("by SMS"),
                required=False,
                initial=choice["sms"] and kind.sms,
                disabled=kind.mandatory or not kind.sms,
            )
            self.fields[f"{code}:email"] = email
            self.fields[f"{code}:sms"] = sms
            self.rows.append((kind, self[f"{code}:email"], self[f"{code}:sms"]))
        self.can_email = can_email
        self.can_sms = can_sms

    def choices(self) -> dict[str, tuple[bool, bool]]:
        out = {}
        for kind in kinds.all_kinds():
            if f"{kind.code}:email" in self.cleaned_data:
                out[kind.code] = (self.cleaned_data[f"{kind.code}:email"], self.cleaned_data[f"{kind.code}:sms"])
        return out
