from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from talent.forms import ContactForm, RegistryFilterForm
from talent.models import Practitioner


@login_required
@permission_required("talent.view_practitioner", raise_exception=True)
def practitioner_list(request):
    practitioners = (
        Practitioner.objects.visible_to(request.user)
        .select_related("organization", "sub_district")
        .prefetch_related("specialties")
    )
    form = RegistryFilterForm(request.GET)
    if form.is_valid():
        full_id = request.user.has_perm("talent.view_full_resident_id")
        practitioners = form.filter(practitioners, full_id=full_id)
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
    return render(request, "talent/practitioner_detail.html", {"practitioner": practitioner})


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
    return render(request, "talent/my_profile.html", {"practitioner": practitioner, "form": form})
