import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import services
from certificates.forms import RevokeForm, VerifyForm
from certificates.models import Certificate


@login_required
def certificate_pdf(request, serial):
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), serial=serial)
    return FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", filename=f"{serial}.pdf")


def _too_many_lookups(request) -> bool:
    """A fixed window per client address, against guessing codes."""
    key = f"verify-rate:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.VERIFY_RATE_PER_MINUTE


def verify_form(request):
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("certificates:verify", code=form.cleaned_data["code"])
    return render(request, "certificates/verify_form.html", {"form": form})


def verify(request, code):
    wants_json = "application/json" in request.headers.get("Accept", "")
    if _too_many_lookups(request):
        message = _("Too many lookups from your address. Wait a minute and try again.")
        if wants_json:
            return JsonResponse({"status": "rate_limited", "message": message}, status=429)
        return render(request, "certificates/verify.html", {"rate_limited": True, "message": message}, status=429)
    certificate = Certificate.objects.select_related("holder").filter(verification_code=code).first()
    if certificate is None:
        status = "unknown"
    elif certificate.is_revoked:
        status = "revoked"
    else:
        status = "valid"
    if wants_json:
        return JsonResponse(_verification_json(certificate, status), status=404 if certificate is None else 200)
    context = {"certificate": certificate, "status": status}
    return render(request, "certificates/verify.html", context, status=404 if certificate is None else 200)


def _verification_json(certificate, status) -> dict:
    if certificate is None:
        return {"status": status}
    return {
        "status": status,
        "serial": certificate.serial,
        "holder": certificate.masked_holder_name,
        "kind": certificate.kind,
        "title": certificate.title,
        "hours": str(certificate.hours),
        "issuing_base": certificate.issuing_base,
        "issued_on": timezone.localdate(certificate.issued_at).isoformat(),
        "revoked_on": timezone.localdate(certificate.revoked_at).isoformat() if certificate.revoked_at else None,
    }


@login_required
def revoke(request, serial):
    if not request.user.has_perm("certificates.change_certificate"):
        raise PermissionDenied
    certificate = get_object_or_404(Certificate, serial=serial)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.revoke(certificate=certificate, reason=form.cleaned_data["reason"], by=request.user)
        except services.CertificateRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Certificate %(serial)s was revoked.") % {"serial": serial})
            return redirect("certificates:verify", code=certificate.verification_code)
    return render(request, "certificates/revoke.html", {"certificate": certificate, "form": form})


# Batches: training and placements call these with their own sources.


def batch_issue(request, *, sources, title, back_url):
    """GET: a page with a progress bar. POST: issue the next chunk and answer
    with the progress as JSON; the page's script posts until all are done, and
    a reload after an interruption carries on where the batch stopped."""
    total = len(sources)
    if request.method == "POST":
        issued = services.live_certificates(sources)
        pending = [s for s in sources if id(s) not in issued]
        services.issue(pending[: services.BATCH_CHUNK])
        return JsonResponse({"done": total - len(pending) + len(pending[: services.BATCH_CHUNK]), "total": total})
    done = len(services.live_certificates(sources))
    context = {"title": title, "done": done, "total": total, "back_url": back_url}
    return render(request, "certificates/batch.html", context)


def zip_download(certificates, *, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with certificate.pdf.open("rb") as content:
                archive.writestr(f"{certificate.serial}.pdf", content.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}.zip"'
    return response
