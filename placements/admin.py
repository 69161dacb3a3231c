from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from placements.models import (
    Appeal,
    Competency,
    Evaluation,
    HourLog,
    LearningAgreement,
    Placement,
    PlacementRound,
    Position,
    PracticeBase,
    SeatOffer,
)
from rosters.admin import RosterExportMixin
from talent.models import User
from talent.roles import Role


@admin.register(PracticeBase)
class PracticeBaseAdmin(admin.ModelAdmin):
    list_display = ["sub_district", "district", "contact_person", "contact_phone"]
    list_select_related = ["sub_district"]
    search_fields = ["sub_district__name", "sub_district__district"]
    filter_horizontal = ["coordinators"]

    @admin.display(description=_("district"), ordering="sub_district__district")
    def district(self, base):
        return base.district


@admin.register(PlacementRound)
class PlacementRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "internship_start", "internship_end", "preference_deadline", "status", "required_hours"]
    readonly_fields = ["published_at", "explained_at"]
    list_filter = ["status"]
    search_fields = ["name"]
    filter_horizontal = ["organisers"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "organisers":
            # Organisers run the round from the coordinators' pages, which only
            # coordinators and administrators can open.
            kwargs["queryset"] = User.objects.filter(groups__name__in=[Role.COORDINATOR, Role.ADMINISTRATOR]).distinct()
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Position)
class PositionAdmin(RosterExportMixin, admin.ModelAdmin):
    list_display = ["code", "title", "round", "base", "capacity", "supervisor", "specialty"]
    list_filter = ["round", "base", "specialty"]
    list_select_related = ["round", "base__sub_district", "supervisor"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["supervisor"]
    filter_horizontal = ["required_courses"]


@admin.register(Placement)
class PlacementAdmin(RosterExportMixin, admin.ModelAdmin):
    list_display = ["trainee", "position", "status", "preference_rank", "tutor", "assigned_by"]
    list_filter = ["round", "status", "position__base"]
    list_select_related = ["trainee", "position__base__sub_district", "tutor", "assigned_by"]
    search_fields = ["trainee__name", "trainee__resident_id", "position__title"]
    # Seats and eligibility are enforced by the services: only the tutor is edited here.
    readonly_fields = [f.name for f in Placement._meta.fields if f.name != "tutor"]
    autocomplete_fields = ["tutor"]

    def has_add_permission(self, request):
        return False


@admin.register(HourLog)
class HourLogAdmin(admin.ModelAdmin):
    list_display = ["placement", "date", "hours", "status", "reviewed_by"]
    list_filter = ["status"]
    list_select_related = ["placement__trainee", "placement__position__base__sub_district", "reviewed_by"]
    readonly_fields = [f.name for f in HourLog._meta.fields]


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = ["placement", "role", "mentor", "score", "date"]
    list_filter = ["role"]
    list_select_related = ["placement__trainee", "mentor"]
    readonly_fields = [f.name for f in Evaluation._meta.fields]


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    """The evaluation rubric: competencies, weights and what each level 1–5 looks like."""

    list_display = ["name", "weight", "order", "active"]
    list_editable = ["weight", "order", "active"]
    fieldsets = [
        (None, {"fields": ["name", "weight", "order", "active"]}),
        (_("Level descriptors"), {"fields": ["level_1", "level_2", "level_3", "level_4", "level_5"]}),
    ]

    def has_delete_permission(self, request, obj=None):
        # A competency that has been rated stays (set it out of use instead).
        return obj is None or not obj.ratings.exists()


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["trainee", "round", "status", "created_at", "resolved_by"]
    list_filter = ["round", "status"]
    list_select_related = ["trainee", "round", "resolved_by"]
    # Appeals are answered on the round page, where the rules are kept.
    readonly_fields = [f.name for f in Appeal._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(SeatOffer)
class SeatOfferAdmin(admin.ModelAdmin):
    list_display = ["trainee", "position", "status", "offered_at", "respond_by"]
    list_filter = ["round", "status"]
    list_select_related = ["trainee", "position__base__sub_district"]
    readonly_fields = [f.name for f in SeatOffer._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(LearningAgreement)
class LearningAgreementAdmin(admin.ModelAdmin):
    list_display = ["placement", "revision", "trainee_confirmed_at", "supervisor_confirmed_at", "tutor_confirmed_at"]
    list_select_related = ["placement__trainee", "placement__position__base__sub_district"]
    readonly_fields = [f.name for f in LearningAgreement._meta.fields]

    def has_add_permission(self, request):
        return False
