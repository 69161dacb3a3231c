from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from rosters import exports
from talent import claims, disclosures, ledger, scopes, services
from talent.forms import ContactForm, RegistryFilterForm, UnmaskForm
from talent.models import CycleStanding, Practitioner
from talent.paging import CappedPaginator, SearchPaginator
from talent.resources import PractitionerResource

# Latest looks at a person's full resident ID listed on their profile (all are counted).
ID_VIEWS_SHOWN = 20


@login_required
@permission_required("talent.view_practitioner", raise_exception=True)
def practitioner_list(request, file_format=None):
    form = RegistryFilterForm(request.GET)
    searching = form.is_valid() and bool(form.cleaned_data["q"].strip())
    rows = Practitioner.objects.select_related("organization", "sub_district").prefetch_related("specialties")
    practitioners = rows.visible_to(request.user)
    count_from = None
    if form.is_valid():
        full_id = request.user.has_perm("talent.view_full_resident_id")
        practitioners = form.filter(practitioners, full_id=full_id)
        if not form.narrows() and not request.user.is_administrator and request.user.is_coordinator:
            # Counting the scope's ids directly is an index-only scan of each tie (talent.scopes).
            count_from = scopes.coordinator_ids(request.user)
    if file_format:
        # What the list shows, in the import's columns: IDs masked for all but administrators.
        data = PractitionerResource(user=request.user).export(practitioners)
        return exports.download(data, filename="practitioners", file_format=file_format)
    if searching:
        # A search's scope test is paid once, for the count and the page together.
        paginator = SearchPaginator(practitioners, settings.REGISTRY_PAGE_SIZE, rows=rows)
    else:
        paginator = CappedPaginator(practitioners, settings.REGISTRY_PAGE_SIZE, count_from=count_from, rows=rows)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "talent/practitioner_list.html", {"form": form, "page": page})


def _visible_practitioner(request, pk) -> Practitioner:
    return get_object_or_404(
        Practitioner.objects.visible_to(request.user)
        .select_related("organization", "sub_district", "user")
        .prefetch_related("specialties"),
        pk=pk,
    )


def _render_detail(request, practitioner, *, unmask_form=None, full_resident_id="", status=200):
    context = {
        "practitioner": practitioner,
        "cycle": ledger.cycle_status(practitioner),
        "totals": claims.category_totals(practitioner),
        "full_resident_id": full_resident_id,
    }
    if request.user.has_perm("talent.view_full_resident_id") and not full_resident_id:
        context["unmask_form"] = unmask_form or UnmaskForm()
    return render(request, "talent/practitioner_detail.html", context, status=status)


@login_required
def practitioner_detail(request, pk):
    return _render_detail(request, _visible_practitioner(request, pk))


@require_POST
@never_cache
@login_required
def practitioner_unmask(request, pk):
    """The person's page once more, with the full resident ID in this response
    only: reloading or coming back shows it masked again."""
    practitioner = _visible_practitioner(request, pk)
    form = UnmaskForm(request.POST)
    form.is_valid()  # the service refuses what is missing; the form shows where
    try:
        full_id = services.reveal_resident_id(
            practitioner=practitioner,
            viewer=request.user,
            purpose=form.cleaned_data.get("purpose", ""),
            details=form.cleaned_data.get("details", ""),
        )
    except services.UnmaskRefused as refusal:
        if refusal.code == "not_allowed":
            raise PermissionDenied(refusal.message) from refusal
        return _render_detail(request, practitioner, unmask_form=form, status=400)
    return _render_detail(request, practitioner, full_resident_id=full_id)


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
    id_views = disclosures.resident_id_views(practitioner)
    context = {
        "practitioner": practitioner,
        "form": form,
        "cycle": ledger.cycle_status(practitioner),
        "totals": claims.category_totals(practitioner),
        "id_view_count": id_views.count(),
        "id_views": disclosures.describe_views(id_views[:ID_VIEWS_SHOWN]),
    }
    return render(request, "talent/my_profile.html", context)


@login_required
@permission_required("talent.view_practitioner", raise_exception=True)
def continuing_education_report(request, file_format=None):
    """Who is behind on continuing education, among the people this user may see."""
    # Read from the standings (talent.standings), kept as the ledger computes them.
    statuses = CycleStanding.objects.visible_to(request.user)
    show = request.GET.get("show", "behind")
    if show == "behind":
        statuses = statuses.filter(state__in=(ledger.SHORT, ledger.AT_RISK))
    # Soonest re-registration first, which puts those short near it first; read
    # in that order from standing_report_idx, a page at a time.
    statuses = statuses.select_related("practitioner__organization").order_by("reregistration_date", "practitioner_id")
    if file_format:
        return _report_download(request, statuses, file_format)
    count_from = None
    if not request.user.is_administrator and request.user.is_coordinator:
        # Counted as a plain semi-join on the scope's ids (talent.scopes): probes
        # by primary key instead of testing a million standings one by one.
        count_from = CycleStanding.objects.filter(pk__in=scopes.coordinator_ids(request.user))
        if show == "behind":
            count_from = count_from.filter(state__in=(ledger.SHORT, ledger.AT_RISK))
    page = CappedPaginator(statuses, settings.REGISTRY_PAGE_SIZE, count_from=count_from).get_page(
        request.GET.get("page")
    )
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
            s.practitioner.exported_resident_id_for(request.user),
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
    return exports.download(
        exports.dataset(headers, rows, title=_("Continuing education")),
        filename="continuing-education",
        file_format=file_format,
    )
