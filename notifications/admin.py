from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from notifications import delivery, kinds
from notifications.models import Delivery, Notification


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ["channel", "address", "status", "attempts", "last_error", "next_attempt_at", "sent_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.code, kind.label) for kind in kinds.all_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind_label", "user", "practitioner", "created_at", "read_at"]
    list_filter = [KindFilter, ("read_at", admin.EmptyFieldListFilter)]
    list_select_related = ["user", "practitioner"]
    search_fields = ["subject", "occasion", "user__email", "practitioner__name"]
    date_hierarchy = "created_at"
    # The kind's code and the occasion are keys for the machinery, not for readers.
    exclude = ["kind", "occasion"]
    readonly_fields = ["kind_label", *(f.name for f in Notification._meta.fields if f.name not in {"kind", "occasion"})]
    inlines = [DeliveryInline]

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, notification):
        try:
            return kinds.get(notification.kind).label
        except LookupError:  # a kind no longer registered
            return notification.kind

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Failed deliveries with their reason (filter on the status), and a retry action."""

    list_display = ["notification", "channel", "address", "status", "attempts", "last_error", "next_attempt_at"]
    list_filter = ["status", "channel"]
    list_select_related = ["notification"]
    search_fields = ["address", "notification__subject", "last_error"]
    readonly_fields = [f.name for f in Delivery._meta.fields]
    actions = ["retry_now"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry the selected deliveries now"), permissions=["retry"])
    def retry_now(self, request, queryset):
        count = delivery.retry(deliveries=queryset)
        self.message_user(
            request,
            ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )

    def has_retry_permission(self, request):
        return request.user.has_perm("notifications.retry_delivery")
