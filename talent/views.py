from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from talent import exports, history, ledger
from talent.forms import ContactForm, RegistryFilterForm
from talent.models import Practitioner
from talent.resources import PractitionerResource

# Latest changes on a practitioner's page; the audit log has the rest.
HISTORY_LENGTH = 10


@login_required
@permission_required("talent.view_practitioner", raise_exception=True)
def practitioner_list(request, file_format=None):
    practitioners = (
        Practitioner.objects.visible_to(request.user)
        .select_related("organization", "sub_district")
        .prefetch_related("specialties")
    )
    form = RegistryFilterForm(request.GET)
    if form.is_valid():
        full_id = request.user.has_perm("talent.view_full_resident_id")
        practitioners = form.filter(practitioners, full_id=full_id)
    if file_format:
        # What the list shows, in the import's columns: IDs masked for all but administrators.
        data = PractitionerResource(user=request.user).export(practitioners)
        return exports.download(data, filename="practitioners", file_format=file_format)
    page = Paginator(practitioners, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "talent/practitioner_list.html", {"form": form, "page": page})


@login_required
def practitioner_detail(request, pk):
    practitioner = get_object_or_404(
        Practitioner.objects.visible_to(request.user)
        .select_related("organization", "sub_district", "user")
        .prefetch_related("specialties"),
        pk=pk,
    )
    context = {"practitioner": practitioner, "cycle": ledger.cycle_status(practitioner)}
    # The trail shows full resident IDs and everyone's changes: administrators only.
    if request.user.has_perm("auditlog.view_logentry"):
        context["history"] = history.entries_for(practitioner)[:HISTORY_LENGTH]
    return render(request, "talent/practitioner_detail.html", context)


@login_required
def my_profile(request):
    practitioner = Practitioner.objects.filter(user=request.user).select_related("organization", "sub_district").first()
    if practitioner is None:
        return render(request, "talent/no_profile.html", status=404)
    form = ContactForm(request.POST or None, instance=practitioner)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your contact details were saved."))
        return redirect("talent:my-profile")
    context = {"practitioner": practitioner, "form": form, "cycle": ledger.cycle_status(practitioner)}
    return render(request, "talent/my_profile.html", context)


@login_required
@permission_required("talent.view_practitioner", raise_exception=True)
def continuing_education_report(request, file_format=None):
    """Who is behind on continuing education, among the people this user may see."""
    statuses = ledger.report(Practitioner.objects.visible_to(request.user))
    show = request.GET.get("show", "behind")
    if show == "behind":
        statuses = [s for s in statuses if s.state in (ledger.AT_RISK, ledger.SHORT)]
    statuses.sort(key=lambda s: (s.state != ledger.SHORT, s.reregistration_date, s.practitioner.name))
    if file_format:
        return _report_download(request, statuses, file_format)
    page = Paginator(statuses, settings.REGISTRY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "talent/continuing_education_report.html", {"page": page, "show": show})


def _report_download(request, statuses, file_format):
    headers = [
        _("name"),
        _("resident ID"),
        _("mobile phone"),
        _("organization"),
        _("qualification level"),
        _("cycle start"),
        _("re-registration date"),
        _("required hours"),
        _("hours earned"),
        _("expected by now"),
        _("state"),
    ]
    rows = (
        [
            s.practitioner.name,
            s.practitioner.resident_id_for(request.user),
            s.practitioner.mobile,
            str(s.practitioner.organization or ""),
            s.practitioner.get_qualification_level_display(),
            s.cycle_start,
            s.reregistration_date,
            s.required,
            s.earned,
            s.expected_by_now,
            str(s.state_label),
        ]
        for s in statuses
    )
    return exports.download(exports.dataset(headers, rows), filename="continuing-education", file_format=file_format)
