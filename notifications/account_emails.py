"""allauth's emails in the committee's name and with the site's public address.

Without django.contrib.sites allauth names the site after the request's host
("127.0.0.1:8000") and builds its links from it. Mixed into the project's
account adapter (notifications.sms.accounts.AccountAdapter), this names the
site SITE_NAME and rewrites every link of the email's context to start with
SITE_BASE_URL, never with a host a request claimed. The templates under
templates/account/email/ greet the person instead of saying "Hello!".
"""

from dataclasses import dataclass

from allauth.core import context as allauth_context
from django.conf import settings


@dataclass(frozen=True)
class PublicSite:
    """What allauth's templates read as `current_site`."""

    name: str
    domain: str

    @classmethod
    def from_settings(cls) -> "PublicSite":
        return cls(name=str(settings.SITE_NAME), domain=settings.SITE_BASE_URL)


def public_url(url: str, request) -> str:
    """`url` on SITE_BASE_URL: a link built from `request`'s host moves to the public address."""
    if not isinstance(url, str) or request is None:
        return url
    origin = request.build_absolute_uri("/").rstrip("/")
    if url == origin or url.startswith(origin + "/"):
        return settings.SITE_BASE_URL + url[len(origin) :]
    if url.startswith("/"):
        return settings.SITE_BASE_URL + url
    return url


class SiteEmailMixin:
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        ctx = {"request": request, "email": email}
        ctx.update(context)
        ctx["current_site"] = PublicSite.from_settings()
        ctx["site_name"] = str(settings.SITE_NAME)
        ctx["site_base_url"] = settings.SITE_BASE_URL
        for key, value in list(ctx.items()):
            if key.endswith("_url") and key != "site_base_url":
                ctx[key] = public_url(value, request)
        user = ctx.get("user")
        ctx.setdefault("greeting_name", _greeting_name(user))
        msg = self.render_mail(template_prefix, email, ctx)
        msg.send()


def _greeting_name(user) -> str:
    if user is None or not getattr(user, "pk", None):
        return ""
    practitioner = getattr(user, "practitioner", None)  # None without a registry record
    if practitioner is not None:
        return practitioner.name
    return getattr(user, "display_name", "") or ""
