import io
import zipfile

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from certificates import batches, services
from certificates.forms import RevokeForm, VerifyForm, VerifySerialForm
from certificates.models import Certificate, CertificateBatch
from placements.models import PlacementRound, Position
from talent.clients import client_address
from training.models import CourseSession


@login_required
def certificate_pdf(request, serial):
    certificate = get_object_or_404(Certificate.objects.visible_to(request.user), serial=serial)
    return FileResponse(certificate.pdf.open("rb"), content_type="application/pdf", filename=f"{serial}.pdf")


def _too_many_lookups(request) -> bool:
    """A fixed window per client address, against guessing codes and
    enumerating serials. Every lookup counts, found or not."""
    key = f"verify-rate:{client_address(request)}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > settings.VERIFY_RATE_PER_MINUTE


def _rate_limited(request, *, wants_json: bool):
    message = _("Too many lookups from your address. Wait a minute and try again.")
    if wants_json:
        return JsonResponse({"status": "rate_limited", "message": message}, status=429)
    return render(request, "certificates/verify.html", {"rate_limited": True, "message": message}, status=429)


def _answer(request, certificate: Certificate | None, *, wants_json: bool):
    """The same answer whatever made the lookup fail: an unknown code, an
    unknown serial, or a serial with another name."""
    if certificate is None:
        status = "unknown"
    elif certificate.is_revoked:
        status = "revoked"
    else:
        status = "valid"
    http_status = 404 if certificate is None else 200
    if wants_json:
        return JsonResponse(_verification_json(certificate, status), status=http_status)
    return render(
        request, "certificates/verify.html", {"certificate": certificate, "status": status}, status=http_status
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def verify_form(request):
    """GET: the code form, which leads to the code's page. POST: the serial
    and name form, answered here so that the name stays out of URLs and logs."""
    code_form = VerifyForm(request.GET or None)
    if code_form.is_valid():
        return redirect("certificates:verify", code=code_form.cleaned_data["code"])
    serial_form = VerifySerialForm(request.POST or None)
    if request.method == "POST" and serial_form.is_valid():
        if _too_many_lookups(request):
            return _rate_limited(request, wants_json=_wants_json(request))
        certificate = Certificate.objects.with_serial_and_name(**serial_form.cleaned_data)
        return _answer(request, certificate, wants_json=_wants_json(request))
    return render(request, "certificates/verify_form.html", {"form": code_form, "serial_form": serial_form})


def verify(request, code):
    if _too_many_lookups(request):
        return _rate_limited(request, wants_json=_wants_json(request))
    return _answer(request, Certificate.objects.with_code(code), wants_json=_wants_json(request))


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
        "start_date": certificate.start_date.isoformat(),
        "end_date": certificate.end_date.isoformat(),
        "completed_on": certificate.completed_on.isoformat() if certificate.completed_on else None,
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


# Batches of certificates, issued in the background (certificates.batches).


def batch_issue(request, *, sources, title, back_url, scope, start):
    """GET: a page with the batch's progress bar and the refused certificates.
    POST: start the batch (or carry on one that stopped) and come back to the
    page, or answer with its progress as JSON when asked. The certificates are
    issued by a worker: the page may be closed meanwhile."""
    if request.method == "POST":
        batch = start()
        if "application/json" in request.headers.get("Accept", ""):
            return JsonResponse(
                {**batches.progress(batch), "url": reverse("certificates:batch-progress", args=[batch.pk])},
                status=202,
            )
        messages.info(request, _("The certificates are being issued in the background; you may close this page."))
        return redirect(request.path)
    progress = services.batch_progress(sources)
    context = {
        "title": title,
        "progress": progress,
        "done": progress.done,
        "total": progress.total,
        "back_url": back_url,
    }
    batch = batches.current(scope)
    if batch is not None and batch.status != CertificateBatch.Status.FINISHED:
        context["batch"] = batch
        context["batch_progress"] = batches.progress(batch)
    return render(request, "certificates/batch.html", context)


@login_required
def batch_progress(request, pk):
    """A batch's progress as JSON, for its page's progress bar."""
    batch = get_object_or_404(CertificateBatch, pk=pk)
    if batch.session_id is not None:
        _managed_session(request.user, batch.session_id)
    else:
        _round, positions = _managed_round(request.user, batch.round_id)
        if batch.scope != batches.round_scope(batch.round, list(positions.values_list("pk", flat=True))):
            raise Http404
    return JsonResponse(batches.progress(batch))


def zip_download(certificates, *, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            with certificate.pdf.open("rb") as content:
                archive.writestr(f"{certificate.serial}.pdf", content.read())
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{filename}.zip"'
    return response


# The batches of a session and of a round: issuing them and their ZIP, for the
# coordinators who run the session or the round's positions.


def _require_coordinator(user) -> None:
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied


def _managed_session(user, pk) -> CourseSession:
    _require_coordinator(user)
    return get_object_or_404(CourseSession.objects.visible_to(user).select_related("course__base"), pk=pk)


def _managed_round(user, pk) -> tuple[PlacementRound, object]:
    """A round the user organises or has a position in, and the positions whose certificates are theirs."""
    _require_coordinator(user)
    round = get_object_or_404(PlacementRound.objects.managed_by(user), pk=pk)
    return round, Position.objects.managed_by(user).filter(round=round)


@login_required
def session_batch(request, pk):
    session = _managed_session(request.user, pk)
    if session.status != CourseSession.Status.FINISHED:
        messages.error(request, _("Certificates are issued once the session is finished."))
        return redirect("training:session-roster", pk=session.pk)
    return batch_issue(
        request,
        sources=services.session_sources(session),
        title=str(session),
        back_url=reverse("training:session-roster", args=[session.pk]),
        scope=batches.session_scope(session),
        start=lambda: batches.start(user=request.user, session=session),
    )


@login_required
def session_zip(request, pk):
    session = _managed_session(request.user, pk)
    certificates = Certificate.objects.live().filter(enrollment__session=session).order_by("serial")
    return zip_download(certificates, filename=f"certificates-session-{session.pk}")


@login_required
def round_batch(request, pk):
    round, positions = _managed_round(request.user, pk)
    scope = batches.round_scope(round, list(positions.values_list("pk", flat=True)))
    return batch_issue(
        request,
        sources=services.round_sources(round, positions=positions),
        title=str(round),
        back_url=reverse("placements:manage-round", args=[round.pk]),
        scope=scope,
        start=lambda: batches.start(user=request.user, round=round, positions=positions),
    )


@login_required
def round_zip(request, pk):
    round, positions = _managed_round(request.user, pk)
    certificates = (
        Certificate.objects.live().filter(placement__round=round, placement__position__in=positions).order_by("serial")
    )
    return zip_download(certificates, filename=f"certificates-round-{round.pk}")
