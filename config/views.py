from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from placements.models import PracticeBase
from reports import views as dashboards
from training.models import TrainingBase


def home(request):
    """The signed-in user's dashboard by role; otherwise the bases and sign-in."""
    user = request.user
    if not user.is_authenticated:
        context = {
            "training_bases": TrainingBase.objects.all(),
            "practice_bases": PracticeBase.objects.select_related("sub_district"),
        }
        return render(request, "home/public.html", context)
    if user.is_administrator:
        return dashboards.administrator_dashboard(request)
    if user.is_coordinator:
        return dashboards.coordinator_dashboard(request)
    return dashboards.trainee_dashboard(request)


@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")
