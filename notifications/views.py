from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from notifications import services
from notifications.forms import ChannelsForm
from notifications.models import Notification
from talent.models import Practitioner


@login_required
def inbox(request):
    notifications = Notification.objects.for_user(request.user).only(
        "pk", "kind", "subject", "body", "link", "created_at", "read_at"
    )
    page = Paginator(notifications, settings.NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/inbox.html", {"page": page})


@login_required
def open_notification(request, pk):
    """One's own notification in full, marked read by being read (a 404 for anyone else's)."""
    notification = get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    if notification.read_at is None:
        services.mark_read(user=request.user, pks=[notification.pk])
    return render(request, "notifications/detail.html", {"notification": notification})


@require_POST
@login_required
def mark_read(request, pk):
    get_object_or_404(Notification.objects.for_user(request.user), pk=pk)
    services.mark_read(user=request.user, pks=[pk])
    return redirect(_back(request))


@require_POST
@login_required
def mark_all_read(request):
    count = services.mark_read(user=request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "notifications:inbox"


@login_required
def channels(request):
    """Which kinds of notification reach me by email and by SMS."""
    practitioner = Practitioner.objects.filter(user=request.user).only("mobile", "email").first()
    can_email = bool(request.user.email or (practitioner and practitioner.email))
    can_sms = bool((practitioner and practitioner.mobile) or getattr(request.user, "phone", ""))
    current = services.channels_for(request.user)
    form = ChannelsForm(request.POST or None, current=current, can_email=can_email, can_sms=can_sms)
    if request.method == "POST" and form.is_valid():
        services.set_channels(user=request.user, choices=form.choices())
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:channels")
    return render(
        request,
        "notifications/channels.html",
        {"form": form, "practitioner": practitioner, "can_email": can_email, "can_sms": can_sms},
    )
