from django.db import DatabaseError, connection
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from placements.models import PracticeBase
from talent import ledger
from talent.models import Practitioner
from training.models import Enrollment, TrainingBase


def home(request):
    """The signed-in user's dashboard by role; otherwise the bases and sign-in."""
    user = request.user
    context = {}
    if not user.is_authenticated:
        template = "home/public.html"
        context["training_bases"] = TrainingBase.objects.all()
        context["practice_bases"] = PracticeBase.objects.select_related("sub_district")
    elif user.is_administrator:
        template = "home/administrator.html"
        context["by_qualification"] = _count_by(
            Practitioner.objects.all(), "qualification_level", Practitioner.QualificationLevel
        )
        context["by_kind"] = _count_by(Practitioner.objects.all(), "kind", Practitioner.Kind)
        context["practitioner_count"] = Practitioner.objects.count()
    elif user.is_coordinator:
        template = "home/coordinator.html"
        context["training_bases"] = TrainingBase.objects.filter(coordinators=user)
        context["practice_bases"] = PracticeBase.objects.filter(coordinators=user).select_related("sub_district")
        context["practitioner_count"] = Practitioner.objects.visible_to(user).count()
    else:
        template = "home/trainee.html"
        practitioner = Practitioner.objects.filter(user=user).select_related("organization", "sub_district").first()
        context["practitioner"] = practitioner
        if practitioner:
            context["cycle"] = ledger.cycle_status(practitioner)
            context["live_enrollments"] = (
                Enrollment.objects.live().filter(trainee=practitioner).select_related("session__course__base")
            )
            context["certificates"] = practitioner.certificates.live()
    return render(request, template, context)


def _count_by(practitioners, field, choices) -> list[tuple[str, int]]:
    counts = dict(practitioners.order_by().values_list(field).annotate(n=Count("pk")))
    return [(label, counts.get(value, 0)) for value, label in choices.choices]


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
