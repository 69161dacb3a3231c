from django.contrib import admin

from research.models import (
    ContinuingEducationProof,
    ExchangeActivity,
    Milestone,
    Output,
    ProjectMember,
    ResearchProject,
)


class MemberInline(admin.TabularInline):
    model = ProjectMember
    autocomplete_fields = ["practitioner"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0


@admin.register(ResearchProject)
class ResearchProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "lead_base", "status", "start_date", "end_date"]
    list_filter = ["status", "lead_base"]
    search_fields = ["title"]
    filter_horizontal = ["partner_bases", "partner_organizations"]
    autocomplete_fields = ["principal_practitioner"]
    inlines = [MemberInline, MilestoneInline]


@admin.register(Output)
class OutputAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "project", "date"]
    list_filter = ["kind"]
    search_fields = ["title"]


@admin.register(ExchangeActivity)
class ExchangeActivityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "training_base", "practice_base", "date", "hours"]
    list_filter = ["kind", "training_base"]
    search_fields = ["title"]
    autocomplete_fields = ["participants"]


@admin.register(ContinuingEducationProof)
class ProofAdmin(admin.ModelAdmin):
    list_display = ["serial", "holder_name", "total_hours", "issued_at", "superseded_at"]
    search_fields = ["serial", "holder_name"]
    # The printed records and totals are the PDF's and the verify page's to show.
    exclude = ["lines", "totals"]

    def has_change_permission(self, request, obj=None):
        return False  # issued proofs are immutable

    def has_add_permission(self, request):
        return False
