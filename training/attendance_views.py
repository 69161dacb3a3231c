"""Pages of the register: a session's meetings, a meeting's register, its
check-in screen and sign-in sheet, the session's attendance export; and the
page a trainee's phone opens from the QR code."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rosters import exports
from talent.clients import client_address
from training import attendance, checkin, register, sheet
from training.attendance_forms import MarkFormSet, MeetingFormSet, mark_initial, meeting_initial
from training.models import Attendance, Meeting
from training.views import _managed_sessions


def _managed_meeting(user, pk) -> Meeting:
    return get_object_or_404(
        Meeting.objects.filter(session__in=_managed_sessions(user)).select_related("session__course__base"), pk=pk
    )


@login_required
def session_meetings(request, pk):
    session = get_object_or_404(_managed_sessions(request.user).select_related("course"), pk=pk)
    meetings = list(session.meetings.all())
    proposed = not meetings
    initial = meeting_initial(meetings or attendance.propose_meetings(session))
    formset = MeetingFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        try:
            attendance.save_meetings(session=session, rows=formset.rows(), by=request.user)
        except attendance.AttendanceRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Meetings saved."))
            return redirect("training:session-meetings", pk=session.pk)
    context = {"session": session, "formset": formset, "proposed": proposed and request.method != "POST"}
    return render(request, "training/session_meetings.html", context)


@login_required
def meeting_register(request, pk):
    meeting = _managed_meeting(request.user, pk)
    enrollments = list(register.seated(meeting.session).select_related("trainee__organization"))
    marked = {a.trainee_id: a for a in meeting.attendances.all()}
    initial = [mark_initial(e.trainee_id, marked.get(e.trainee_id)) for e in enrollments]
    formset = MarkFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        try:
            changed = attendance.mark(meeting=meeting, marks=formset.marks(), by=request.user)
        except attendance.AttendanceRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Register saved: %(count)d changed.") % {"count": changed})
            return redirect("training:meeting-register", pk=meeting.pk)
    rows = [
        (enrollment, form, marked.get(enrollment.trainee_id))
        for enrollment, form in zip(enrollments, formset, strict=True)
    ]
    context = {
        "meeting": meeting,
        "session": meeting.session,
        "formset": formset,
        "rows": rows,
        "unmarked": sum(1 for e in enrollments if e.trainee_id not in marked),
        "can_import": request.user.has_perm("training.import_attendance"),
    }
    return render(request, "training/meeting_register.html", context)


@require_POST
@login_required
def meeting_rest_present(request, pk):
    meeting = _managed_meeting(request.user, pk)
    try:
        count = attendance.mark_rest_present(meeting=meeting, by=request.user)
    except attendance.AttendanceRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(count)d more marked present.") % {"count": count})
    return redirect("training:meeting-register", pk=meeting.pk)


def _mode(request) -> str:
    return "out" if request.GET.get("mode") == "out" else "in"


def _live_context(meeting: Meeting, mode: str) -> dict:
    now = timezone.now()
    opens, closes = attendance.window(meeting, mode)
    done, total, missing = attendance.live_counts(meeting, mode)
    is_open = opens <= now <= closes
    url = checkin.checkin_url(meeting.pk, mode, now) if is_open else ""
    return {
        "meeting": meeting,
        "mode": mode,
        "is_open": is_open,
        "not_yet": now < opens,
        "opens": opens,
        "url": url,
        "qr_svg": checkin_qr(url) if url else "",
        "done": done,
        "total": total,
        "missing": missing,
        "refresh_ms": 3000,
    }


def checkin_qr(url: str) -> str:
    import segno

    code = segno.make(url, error="m", micro=False)
    return code.svg_inline(scale=8, border=2, dark="#000", light="#fff", omitsize=True)


@login_required
def meeting_checkin_screen(request, pk):
    meeting = _managed_meeting(request.user, pk)
    return render(request, "training/checkin_screen.html", _live_context(meeting, _mode(request)))


@never_cache
@login_required
def meeting_checkin_live(request, pk):
    """What the check-in screen fetches every few seconds: the current code and the counts."""
    meeting = _managed_meeting(request.user, pk)
    return render(request, "training/_checkin_live.html", _live_context(meeting, _mode(request)))


@login_required
def meeting_sheet(request, pk):
    meeting = _managed_meeting(request.user, pk)
    response = HttpResponse(sheet.render_pdf(meeting, request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="sign-in-{meeting.date:%Y%m%d}-{meeting.pk}.pdf"'
    return response


@login_required
def attendance_export(request, pk):
    session = get_object_or_404(_managed_sessions(request.user).select_related("course"), pk=pk)
    enrollments = register.seated(session).select_related("trainee__organization")
    meetings, rows = register.grid(session, enrollments)
    headers = [
        _("name"),
        _("resident ID"),
        _("organization"),
        *[f"{m.date:%m-%d} {m.starts_at:%H:%M}" for m in meetings],
        _("attended hours"),
    ]
    data = exports.dataset(
        headers,
        (
            [
                enrollment.trainee.name,
                enrollment.trainee.exported_resident_id_for(request.user),
                str(enrollment.trainee.organization or ""),
                *[cell.get_status_display() if cell else "" for cell in cells],
                total,
            ]
            for enrollment, cells, total in rows
        ),
        title=_("Attendance"),
    )
    return exports.download(data, filename=f"attendance-{session.pk}", file_format="xlsx")


# --- The trainee's phone ---------------------------------------------------------

#: A scan that had to sign in first counts from when it was scanned, for this long.
PENDING_FOR = datetime.timedelta(minutes=10)
_PENDING = "training.checkin.pending"


def _too_many(key: str, limit: int, *, usually_new: bool = False) -> bool:
    """A fixed one-minute window in the shared cache (as the verify page's).
    A person scans once or twice, so their count is usually new: adding it
    first saves a failed increment; an address's count usually exists."""
    if usually_new and cache.add(key, 1, timeout=60):
        return limit < 1
    try:
        count = cache.incr(key)
    except ValueError:  # the first scan of the minute, or its count expired just now
        cache.set(key, 1, timeout=60)
        count = 1
    return count > limit


def _refused(request, message: str, code: str, status: int = 200):
    context = {"refusal": message, "code": code}
    return render(request, "training/checkin_result.html", context, status=status)


@never_cache
def scan(request, token):
    """The page the QR code opens: check the signed-in trainee in (or out).
    Someone not signed in yet is sent to sign in and brought back; the scan
    then counts from when the code was read, for a few minutes."""
    now = timezone.now()
    if not request.user.is_authenticated:
        try:
            checkin.read_token(token, now)
        except checkin.BadToken as bad:
            return _refused(request, attendance.REFUSALS[bad.code](), bad.code)
        request.session[_PENDING] = {"token": token, "at": now.timestamp()}
        return redirect_to_login(request.get_full_path())
    user_key = f"checkin-rate:user:{request.user.pk}"
    address_key = f"checkin-rate:address:{client_address(request)}"
    if _too_many(user_key, settings.CHECKIN_RATE_PER_USER_PER_MINUTE, usually_new=True) or _too_many(
        address_key, settings.CHECKIN_RATE_PER_ADDRESS_PER_MINUTE
    ):
        message = _("Too many scans: wait a minute, then scan the code on the screen again.")
        return _refused(request, message, "rate_limited", status=429)
    scanned_at = None
    pending = request.session.get(_PENDING)
    if pending and pending.get("token") == token:
        moment = datetime.datetime.fromtimestamp(pending["at"], tz=datetime.UTC)
        if now - moment <= PENDING_FOR:
            scanned_at = moment
    try:
        result = attendance.check_in(token=token, user=request.user, now=now, scanned_at=scanned_at)
    except attendance.AttendanceRefused as refusal:
        return _refused(request, refusal.message, refusal.code)
    if pending:
        del request.session[_PENDING]
    return render(request, "training/checkin_result.html", {"result": result, "Status": Attendance.Status})
