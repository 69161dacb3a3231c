"""The second factor (django-allauth's MFA: authenticator apps and recovery
codes), required of administrators.

Administrators see every record in the registry. With
MFA_REQUIRED_FOR_ADMINISTRATORS on (the default), an administrator without an
active authenticator app is sent to set one up before any page other than
those the set-up itself needs; everyone else may turn it on from the user menu.
"""

import io

import segno
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.core import checks
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

# What an administrator may open before setting up the second factor: allauth's
# pages (signing in and out, reauthentication, the MFA set-up, email and
# password), switching the language, and the load balancer's probe. Static
# files never reach this middleware (WhiteNoise answers them first).
SET_UP_URL_NAMES = ("set_language", "healthz")
SET_UP_URL_PREFIXES = ("account_", "mfa_")


class MFAAdapter(DefaultMFAAdapter):
    def build_totp_svg(self, url: str) -> str:
        # segno already draws the certificates' QR codes; no second QR library.
        buffer = io.BytesIO()
        segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgclass=None, lineclass=None)
        return buffer.getvalue().decode()


def needs_second_factor(user) -> bool:
    """True for an administrator who must set up an authenticator app first."""
    return (
        settings.MFA_REQUIRED_FOR_ADMINISTRATORS
        and user.is_authenticated
        and user.is_administrator
        and not is_mfa_enabled(user, [Authenticator.Type.TOTP])
    )


class AdministratorMFAMiddleware:
    """Sends an administrator without an authenticator app to set one up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        url_name = request.resolver_match.url_name or ""
        if url_name in SET_UP_URL_NAMES or url_name.startswith(SET_UP_URL_PREFIXES):
            return None
        if not needs_second_factor(request.user):
            return None
        messages.warning(
            request,
            _(
                "Administrators must turn on two-factor authentication before anything else: "
                "scan the code with an authenticator app and enter the code it shows."
            ),
        )
        return redirect("mfa_activate_totp")


@checks.register(checks.Tags.security, deploy=True)
def check_mfa_required(app_configs, **kwargs):
    if settings.MFA_REQUIRED_FOR_ADMINISTRATORS:
        return []
    return [
        checks.Warning(
            "Administrators can sign in without a second factor (DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS is off).",
            hint="Unset DJANGO_MFA_REQUIRED_FOR_ADMINISTRATORS or set it to 1; only the local demo turns it off.",
            id="talent.W001",
        )
    ]
