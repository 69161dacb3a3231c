"""django-allauth's account adapter, with sign-in by mobile number.

The number lives on the account (talent.User.phone, unique, with
`phone_verified`); allauth asks this adapter to read and write it and to send
the one-time codes, which go out through `send_sms` at once (a code is no use
ten minutes later, and it is not to be stored in a task queue's table).

It sits here, not in talent, because sending takes the SMS backends: talent
may not import notifications (README, "Architecture").
"""

import logging

from allauth.account import app_settings as account_settings
from allauth.account import stages
from allauth.account.adapter import DefaultAccountAdapter, get_adapter
from allauth.account.forms import ConfirmLoginCodeForm as AllauthConfirmLoginCodeForm
from allauth.account.forms import VerifyPhoneForm as AllauthVerifyPhoneForm
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from notifications.account_emails import SiteEmailMixin
from notifications.sms import SMSError, send_sms
from talent.clients import client_address
from talent.fields import MobileFormField, normalize_mobile

logger = logging.getLogger(__name__)

#: The kinds of text sent here, for gateways with pre-approved templates (SMS_TEMPLATE_IDS).
CODE_KIND = "account.code"
UNKNOWN_KIND = "account.unknown"
EXISTS_KIND = "account.exists"


class NumericCodeMixin:
    """The code is six digits (ACCOUNT_*_CODE_FORMAT): phones show the number pad."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(inputmode="numeric", maxlength=6)


class ConfirmLoginCodeForm(NumericCodeMixin, AllauthConfirmLoginCodeForm):
    pass


class VerifyPhoneForm(NumericCodeMixin, AllauthVerifyPhoneForm):
    pass


class PhoneVerificationStage(stages.PhoneVerificationStage):
    """allauth's stage, which sends whoever signs in to verify their mobile
    number first, except for accounts that have none: sign-up asks every new
    trainee for one, but staff accounts and those made before may have only
    an email address (allauth would turn them away)."""

    def handle(self):
        if self.login.user and get_adapter().get_phone(self.login.user) is None:
            return None, True
        return super().handle()


class AccountAdapter(SiteEmailMixin, DefaultAccountAdapter):
    def get_login_stages(self) -> list[str]:
        ours = f"{PhoneVerificationStage.__module__}.{PhoneVerificationStage.__qualname__}"
        return [
            ours if path == "allauth.account.stages.PhoneVerificationStage" else path
            for path in super().get_login_stages()
        ]

    def get_client_ip(self, request) -> str:
        # allauth's rate limits count per client address: behind our proxies
        # that is read as the rest of the site reads it.
        return client_address(request)

    def phone_form_field(self, **kwargs):
        kwargs.pop("label", None)  # allauth says "Phone"; the registry says "mobile phone" (手机号码)
        return MobileFormField(
            label=_("mobile phone"),
            max_length=20,
            widget=forms.TextInput(
                attrs={
                    "type": "tel",
                    "inputmode": "tel",
                    "autocomplete": "tel",
                    "placeholder": _("Mobile number, such as 13912345678"),
                }
            ),
            **kwargs,
        )

    def save_user(self, request, user, form, commit=True):
        # The number goes in with the first save: an account without an email
        # must have one (talent.User's constraint). allauth sets it again after.
        if getattr(form, "_has_phone_field", False) and form.cleaned_data.get("phone"):
            user.phone = normalize_mobile(form.cleaned_data["phone"])
        return super().save_user(request, user, form, commit)

    def clean_phone(self, phone: str) -> str:
        return normalize_mobile(phone)

    def set_phone(self, user, phone: str, verified: bool) -> None:
        user.phone = normalize_mobile(phone)
        user.phone_verified = verified
        user.save(update_fields=["phone", "phone_verified"])

    def get_phone(self, user) -> tuple[str, bool] | None:
        if not user.phone:
            return None
        return user.phone, user.phone_verified

    def set_phone_verified(self, user, phone: str) -> None:
        phone = normalize_mobile(phone)
        get_user_model().objects.filter(pk=user.pk, phone=phone).update(phone_verified=True)
        if user.phone == phone:
            user.phone_verified = True

    def get_user_by_phone(self, phone: str):
        phone = normalize_mobile(phone)
        if not phone:
            return None
        return get_user_model().objects.filter(phone=phone).first()

    def send_verification_code_sms(self, user, phone: str, code: str, **kwargs) -> None:
        # The same text serves signing in and verifying a number: say the shorter validity.
        minutes = min(account_settings.LOGIN_BY_CODE_TIMEOUT, account_settings.PHONE_VERIFICATION_TIMEOUT) // 60
        text = gettext("Your code: %(code)s (valid %(minutes)s minutes). Never share it.") % {
            "code": code,
            "minutes": minutes,
        }
        self._send(phone, text, kind=CODE_KIND)

    def send_unknown_account_sms(self, phone: str, **kwargs) -> None:
        # Someone asked for a sign-in code for a number no account has: tell
        # the number's owner, without telling the asker (enumeration).
        text = gettext("A sign-in code was requested for this number, which has no account. Sign up at %(url)s") % {
            "url": settings.SITE_BASE_URL + reverse("account_signup")
        }
        self._send(phone, text, kind=UNKNOWN_KIND)

    def send_account_already_exists_sms(self, phone: str) -> None:
        text = gettext(
            "Someone tried to sign up with this number, which already has an account. Sign in at %(url)s"
        ) % {"url": settings.SITE_BASE_URL + reverse("account_login")}
        self._send(phone, text, kind=EXISTS_KIND)

    def _send(self, phone: str, text: str, *, kind: str) -> None:
        try:
            send_sms(phone, text, kind=kind)
        except (SMSError, ValidationError) as error:
            # The person sees the code page and can ask again; the operator sees why.
            logger.warning("SMS to %s not sent: %s", phone[-4:].rjust(len(phone), "*"), error)
            if self.request is not None:
                messages.error(self.request, _("The text message could not be sent just now. Try again in a minute."))
