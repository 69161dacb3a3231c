from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rosters import exports
from talent import ledger
from talent.models import Practitioner
from training import register, services
from training.forms import CapacityForm, CatalogueFilterForm, EarlyEndForm, ResultFormSet, with_full_attendance
from training.models import CourseSession, Enrollment


def _trainee_record(user) -> Practitioner | None:
    if not user.is_authenticated:
        return None
    return Practitioner.objects.filter(user=user).first()


def catalogue(request):
    sessions = (
        CourseSession.objects.open().with_seat_counts().select_related("course__base").order_by("start_date", "pk")
    )
    form = CatalogueFilterForm(request.GET)
    if form.is_valid():
        sessions = form.filter(sessions)
    page = Paginator(sessions, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/catalogue.html", {"form": form, "page": page})


def session_detail(request, pk):
    session = get_object_or_404(
        CourseSession.objects.exclude(status=CourseSession.Status.DRAFT)
        .with_seat_counts()
        .select_related("course__base"),
        pk=pk,
    )
    trainee = _trainee_record(request.user)
    enrollment = refusal = None
    if trainee:
        enrollment = Enrollment.objects.live().filter(trainee=trainee, session=session).first()
        if enrollment is None:
            try:
                services.check_can_enroll(trainee, session)
            except services.EnrollmentRefused as error:
                refusal = error.message
    context = {
        "session": session,
        "trainee": trainee,
        "enrollment": enrollment,
        "refusal": refusal,
        "prerequisites": session.course.prerequisites.all(),
        "meetings": session.meetings.all(),
        "can_manage": request.user.is_authenticated and services.can_manage(request.user, session),
    }
    return render(request, "training/session_detail.html", context)


@require_POST
@login_required
def session_enroll(request, pk):
    session = get_object_or_404(CourseSession.objects.open(), pk=pk)
    trainee = _trainee_record(request.user)
    if trainee is None:
        messages.error(request, _("Only people with a registry record can enrol."))
        return redirect(session)
    try:
        enrollment = services.enroll(trainee=trainee, session=session)
    except services.EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if enrollment.status == Enrollment.Status.ENROLLED:
            messages.success(request, _("You are enrolled."))
        else:
            messages.warning(
                request,
                _("The session is full; you are number %(position)d on the waitlist.")
                % {"position": enrollment.waitlist_position()},
            )
    return redirect(session)


@require_POST
@login_required
def session_cancel(request, pk):
    session = get_object_or_404(CourseSession, pk=pk)
    enrollment = get_object_or_404(Enrollment.objects.live(), session=session, trainee__user=request.user)
    try:
        services.cancel(enrollment=enrollment, by=request.user)
    except services.EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your enrolment was cancelled."))
    return redirect(session)


@login_required
def my_enrollments(request):
    trainee = _trainee_record(request.user)
    if trainee is None:
        return render(request, "talent/no_profile.html", status=404)
    enrollments = list(
        trainee.enrollments.current().select_related("session__course__base").order_by("-session__start_date", "-pk")
    )
    attended = register.attendance_of(trainee, [e.session for e in enrollments if e.status in register.SEATED])
    for enrollment in enrollments:
        enrollment.meeting_rows = attended.get(enrollment.session_id, [])
    groups = [
        (label, [e for e in enrollments if e.status == status])
        for status, label in Enrollment.Status.choices
        if any(e.status == status for e in enrollments)
    ]
    context = {"groups": groups, "cycle": ledger.cycle_status(trainee), "trainee": trainee}
    return render(request, "training/my_enrollments.html", context)


# Coordinator pages: a session outside the user's bases is a 404.


def _managed_sessions(user):
    if not (user.is_coordinator or user.is_administrator):
        raise PermissionDenied
    return CourseSession.objects.visible_to(user)


def _before_the_end(request, session) -> dict:
    """Before the session's last day: why results wait, and for an
    administrator, once the session has started, the early-end override."""
    try:
        services.check_has_ended(session)
    except services.EnrollmentRefused as refusal:
        may_end_early = request.user.is_administrator and session.has_started()
        return {"not_ended": refusal.message, "may_end_early": may_end_early}
    return {"not_ended": "", "may_end_early": False}


@login_required
def manage_sessions(request):
    sessions = _managed_sessions(request.user).with_seat_counts().select_related("course__base").order_by("-start_date")
    page = Paginator(sessions, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "training/manage_sessions.html", {"page": page})


@login_required
def session_roster(request, pk):
    session = get_object_or_404(_managed_sessions(request.user).select_related("course__base"), pk=pk)
    enrollments = (
        session.enrollments.current().select_related("trainee__organization").order_by("waitlist_order", "created_at")
    )
    roster = {status: [e for e in enrollments if e.status == status] for status in Enrollment.Status.values}
    meetings, attendance_rows = register.grid(session, [e for e in enrollments if e.status in register.SEATED])
    context = {
        "session": session,
        "roster": roster,
        "meetings": meetings,
        "attendance_rows": attendance_rows,
        "capacity_form": CapacityForm(instance=session),
        "early_form": EarlyEndForm(prefix="early"),
        **_before_the_end(request, session),
    }
    return render(request, "training/session_roster.html", context)


@require_POST
@login_required
def roster_cancel(request, pk, enrollment_pk):
    session = get_object_or_404(_managed_sessions(request.user), pk=pk)
    enrollment = get_object_or_404(session.enrollments.live(), pk=enrollment_pk)
    try:
        services.cancel(enrollment=enrollment, by=request.user)
    except services.EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("%(name)s's enrolment was cancelled.") % {"name": enrollment.trainee.name})
    return redirect("training:session-roster", pk=session.pk)


@require_POST
@login_required
def roster_move_up(request, pk, enrollment_pk):
    session = get_object_or_404(_managed_sessions(request.user), pk=pk)
    enrollment = get_object_or_404(session.enrollments.waitlist(), pk=enrollment_pk)
    services.move_up(enrollment=enrollment, by=request.user)
    return redirect("training:session-roster", pk=session.pk)


@require_POST
@login_required
def session_capacity(request, pk):
    session = get_object_or_404(_managed_sessions(request.user), pk=pk)
    form = CapacityForm(request.POST, instance=CourseSession(capacity=session.capacity))
    if form.is_valid():
        try:
            services.change_capacity(session=session, capacity=form.cleaned_data["capacity"], by=request.user)
        except services.EnrollmentRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Capacity updated."))
    else:
        messages.error(request, _("Enter a capacity of zero or more."))
    return redirect("training:session-roster", pk=session.pk)


@login_required
def session_results(request, pk):
    session = get_object_or_404(_managed_sessions(request.user).select_related("course"), pk=pk)
    enrollments = list(
        session.enrollments.filter(status=Enrollment.Status.ENROLLED)
        .select_related("trainee")
        .order_by("trainee__name")
    )
    # Hours not entered yet come from the register, where it is kept.
    register_kept = register.register_kept(session)
    from_register = register.register_hours(session) if register_kept else {}
    initial = [
        {
            "enrollment": e.pk,
            "attended_hours": e.attended_hours if e.attended_hours is not None else from_register.get(e.trainee_id),
            "score": e.score,
            "note": e.result_note,
        }
        for e in enrollments
    ]
    data = request.POST or None
    # "All attended" fills the empty boxes and shows the form again, unsaved.
    filling = "fill" in request.POST
    if filling:
        data = with_full_attendance(request.POST, hours=session.course.hours)
    with_score = session.course.pass_mark is not None
    formset = ResultFormSet(data, initial=initial, form_kwargs={"with_score": with_score})
    early_form = EarlyEndForm(request.POST or None, prefix="early")
    if request.method == "POST" and not filling and formset.is_valid() and early_form.is_valid():
        try:
            services.record_results(
                session=session, results=formset.results(), by=request.user, **early_form.cleaned_data
            )
        except services.EnrollmentRefused as refusal:
            messages.error(request, refusal.message)
        else:
            messages.success(request, _("Results saved."))
            return redirect("training:session-results", pk=session.pk)
    context = {
        "session": session,
        "formset": formset,
        "rows": list(zip(enrollments, formset, strict=False)),
        "with_score": with_score,
        "register_kept": register_kept,
        "early_form": early_form,
        **_before_the_end(request, session),
    }
    return render(request, "training/session_results.html", context)


@require_POST
@login_required
def session_finish(request, pk):
    session = get_object_or_404(_managed_sessions(request.user), pk=pk)
    early_form = EarlyEndForm(request.POST, prefix="early")
    if not early_form.is_valid():
        messages.error(request, " ".join(early_form.errors["reason"]))
        return redirect("training:session-roster", pk=session.pk)
    try:
        summary = services.finish_session(session=session, by=request.user, **early_form.cleaned_data)
    except services.EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if summary.already_finished:
            messages.info(request, _("This session was already finished."))
        else:
            messages.success(
                request,
                _("Session finished: %(completed)d completed, %(failed)d did not pass.")
                % {"completed": summary.completed, "failed": summary.failed},
            )
            if summary.completed:
                return redirect("certificates:session-batch", pk=session.pk)
    return redirect("training:session-roster", pk=session.pk)


@require_POST
@login_required
def cancel_session(request, pk):
    """Call the whole session off: every enrolment is cancelled and each person told, with the reason."""
    session = get_object_or_404(_managed_sessions(request.user), pk=pk)
    reason = request.POST.get("reason", "").strip()
    if not reason:
        messages.error(request, _("Give the reason the session is cancelled: the people enrolled are told it."))
        return redirect("training:session-roster", pk=session.pk)
    try:
        told = services.cancel_session(session=session, by=request.user, reason=reason)
    except services.EnrollmentRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Session cancelled; %(count)d people were told.") % {"count": told})
    return redirect("training:session-roster", pk=session.pk)


@login_required
def roster_export(request, pk, file_format):
    session = get_object_or_404(_managed_sessions(request.user).select_related("course"), pk=pk)
    enrollments = session.enrollments.select_related("trainee__organization").order_by("status", "waitlist_order")
    headers = [
        _("name"),
        _("resident ID"),
        _("mobile phone"),
        _("organization"),
        _("status"),
        _("waitlist order"),
        _("attended hours"),
        _("score"),
        _("result note"),
    ]
    rows = (
        [
            e.trainee.name,
            e.trainee.exported_resident_id_for(request.user),
            e.trainee.mobile,
            str(e.trainee.organization or ""),
            e.get_status_display(),
            e.waitlist_order or "",
            e.attended_hours if e.attended_hours is not None else "",
            e.score if e.score is not None else "",
            e.result_note,
        ]
        for e in enrollments
    )
    data = exports.dataset(headers, rows, title=_("Roster"))
    return exports.download(data, filename=f"roster-{session.pk}", file_format=file_format)
