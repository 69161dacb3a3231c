from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from audit import display, history
from audit.forms import LogFilterForm
from talent.models import Practitioner

PAGE_SIZE = 50


@login_required
@permission_required("auditlog.view_logentry", raise_exception=True)
def log(request):
    """Every recorded change, newest first; narrowed to one practitioner's
    history with ?practitioner=<id>."""
    practitioner = None
    if request.GET.get("practitioner", "").isdigit():
        practitioner = get_object_or_404(Practitioner, pk=request.GET["practitioner"])
        entries = history.entries_for(practitioner)
    else:
        entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    form = LogFilterForm(request.GET)
    entries = form.filter(entries) if form.is_valid() else entries.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "rows": display.rows(page), "practitioner": practitioner}
    return render(request, "audit/log.html", context)
