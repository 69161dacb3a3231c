from django import forms
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


class CourseSessionAdminForm(forms.ModelForm):
    user = None  # who is editing: set per request by CourseSessionAdmin.get_form

    def clean_status(self):
        status = self.cleaned_data["status"]
        # Until _post_clean the instance holds the stored values.
        stored = self.instance.status if self.instance.pk else None
        if stored and status == CourseSession.Status.CANCELLED and stored != status:
            try:
                services.check_cancellable(session=self.instance, by=self.user)
            except services.EnrollmentRefused as refusal:
                raise forms.ValidationError(refusal.message, code=refusal.code) from refusal
        return status


@admin.register(CourseSession)
class CourseSessionAdmin(RosterExportMixin, admin.ModelAdmin):
    form = CourseSessionAdminForm
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

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)  # a class of its own for this request
        form.user = request.user
        return form

    def save_model(self, request, obj, form, change):
        if change and "status" in form.changed_data and obj.status == CourseSession.Status.CANCELLED:
            # Cancelling by editing the status does what the action does: every
            # live enrolment cancelled and the people told (training.services).
            obj.status = form.initial["status"]
            super().save_model(request, obj, form, change)
            services.cancel_session(session=obj, by=request.user)
            obj.refresh_from_db(fields=["status"])
            return
        super().save_model(request, obj, form, change)

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
