from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rosters.admin import RosterExportMixin
from training import services
from training.models import Course, CourseSession, Enrollment, TrainingBase


@admin.register(TrainingBase)
class TrainingBaseAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["coordinators"]


@admin.register(Course)
class CourseAdmin(RosterExportMixin, admin.ModelAdmin):
    list_display = ["code", "title", "base", "topic", "hours", "pass_mark", "minimum_qualification_level"]
    list_filter = ["base", "topic", "minimum_qualification_level"]
    list_select_related = ["base"]
    search_fields = ["code", "title"]
    filter_horizontal = ["prerequisites"]


@admin.register(CourseSession)
class CourseSessionAdmin(RosterExportMixin, admin.ModelAdmin):
    list_display = ["course", "start_date", "end_date", "capacity", "status"]
    list_filter = ["status", "course__base"]
    list_select_related = ["course"]
    search_fields = ["course__title", "course__code"]
    date_hierarchy = "start_date"
    autocomplete_fields = ["course"]

    actions = ["cancel_sessions"]

    def get_readonly_fields(self, request, obj=None):
        # Capacity changes go through the roster page, which keeps the waitlist in step;
        # cancelling through the action, which tells the people enrolled.
        return ["capacity"] if obj else []

    @admin.action(description=_("Cancel the selected sessions and tell the people enrolled"), permissions=["change"])
    def cancel_sessions(self, request, queryset):
        cancelled = 0
        for session in queryset:
            try:
                services.cancel_session(session=session, by=request.user)
            except services.EnrollmentRefused as refusal:
                self.message_user(request, f"{session}: {refusal.message}", messages.ERROR)
            else:
                cancelled += 1
        if cancelled:
            self.message_user(
                request,
                ngettext("%(count)d session cancelled.", "%(count)d sessions cancelled.", cancelled)
                % {"count": cancelled},
                messages.SUCCESS,
            )


@admin.register(Enrollment)
class EnrollmentAdmin(RosterExportMixin, admin.ModelAdmin):
    list_display = ["trainee", "session", "status", "attended_hours", "score", "created_at"]
    list_filter = ["status", "session__course__base"]
    list_select_related = ["trainee", "session__course"]
    search_fields = ["trainee__name", "trainee__resident_id", "session__course__title"]
    # Enrolments change only through the services (capacity, waitlist, ledger).
    readonly_fields = [f.name for f in Enrollment._meta.fields]

    def has_add_permission(self, request):
        return False
