from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.utils.translation import gettext_lazy as _

from rosters.admin import RosterExportMixin
from talent.models import LearningRecord, Organization, Practitioner, SubDistrict, User


class UserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "phone"]


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    ordering = ["email", "phone"]
    list_display = ["email", "phone", "display_name", "is_staff", "is_active", "date_joined"]
    list_filter = ["groups", "is_staff", "is_superuser", "is_active", "phone_verified"]
    search_fields = ["email", "phone", "display_name"]
    fieldsets = [
        (None, {"fields": ["email", ("phone", "phone_verified"), "password"]}),
        (_("Personal info"), {"fields": ["display_name"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "phone", "password1", "password2"]})]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            kwargs["queryset"] = _grantable_permissions(self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


def _grantable_permissions(site):
    """What can be granted: the permissions of models that have admin pages, not
    of internal tables (serial counters, sessions, content types)."""
    content_types = ContentType.objects.get_for_models(*site._registry).values()
    return Permission.objects.filter(content_type__in=content_types).select_related("content_type")


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin):
    """Roles are groups named by their key; someone who may only look at one
    sees the role's name in their language (talent.roles.group_label)."""

    readonly_fields = ["role"]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if self.has_change_permission(request, obj):
            return [name for name in fields if name != "role"]
        return ["role" if name == "name" else name for name in fields if name != "role"]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "permissions":
            kwargs["queryset"] = _grantable_permissions(self.admin_site)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("name"))
    def role(self, group):
        return str(group)


@admin.register(SubDistrict)
class SubDistrictAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "code"]
    list_filter = ["district"]
    search_fields = ["name", "code"]


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "created_at"]
    list_filter = ["kind"]
    search_fields = ["name"]


class PractitionerAdminForm(forms.ModelForm):
    """The resident ID is never sent to the page once stored: seeing it in full
    takes a stated purpose on the person's page (services.reveal_resident_id).
    The field takes a new ID; left empty, the stored one stays."""

    class Meta:
        model = Practitioner
        fields = ["resident_id"]  # the admin adds the rest of its fieldsets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and "resident_id" in self.fields:
            field = self.fields["resident_id"]
            field.required = False
            field.help_text = _("Now %(masked)s. Type a new resident ID to correct it; leave it empty to keep it.") % {
                "masked": self.instance.masked_resident_id
            }
            self.initial["resident_id"] = ""

    def clean_resident_id(self):
        typed = self.cleaned_data.get("resident_id")
        if not typed and self.instance.pk:
            return self.instance.resident_id
        return typed


@admin.register(Practitioner)
class PractitionerAdmin(RosterExportMixin, admin.ModelAdmin):
    form = PractitionerAdminForm
    list_display = [
        "name",
        "masked_resident_id",
        "mobile",
        "organization",
        "kind",
        "qualification_level",
        "sub_district",
    ]
    list_filter = ["kind", "qualification_level", "status", "specialties", "sub_district", "organization__kind"]
    list_select_related = ["organization", "sub_district"]
    search_fields = ["name", "resident_id", "mobile", "organization__name"]
    autocomplete_fields = ["organization", "user"]
    filter_horizontal = ["specialties"]
    readonly_fields = ["birth_date", "sex", "created_at", "updated_at"]
    fieldsets = [
        (None, {"fields": ["name", "resident_id", ("birth_date", "sex"), "mobile", "email", "status", "user"]}),
        (_("Work"), {"fields": ["organization", "job_title", "kind", "sub_district", "specialties"]}),
        (_("Education"), {"fields": ["education", "school", "major", "political_status"]}),
        (
            _("Qualification"),
            {
                "fields": [
                    "qualification_level",
                    "qualification_certificate_number",
                    "qualification_year",
                    "registration_date",
                ]
            },
        ),
        (None, {"fields": ["created_at", "updated_at"]}),
    ]

    @admin.display(description=_("resident ID"), ordering="resident_id")
    def masked_resident_id(self, practitioner):
        return practitioner.masked_resident_id

    @admin.display(description=_("birth date"))
    def birth_date(self, practitioner):
        # Read from the resident ID: nothing to show before one is entered.
        return practitioner.birth_date or self.get_empty_value_display()

    @admin.display(description=_("sex"))
    def sex(self, practitioner):
        return practitioner.sex or self.get_empty_value_display()


@admin.register(LearningRecord)
class LearningRecordAdmin(admin.ModelAdmin):
    list_display = ["practitioner", "date", "hours", "title", "source", "recorded_by"]
    list_filter = ["source", "date"]
    list_select_related = ["practitioner", "recorded_by"]
    search_fields = ["practitioner__name", "practitioner__resident_id", "title"]
    autocomplete_fields = ["practitioner"]
    readonly_fields = ["source", "recorded_by", "created_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.source = LearningRecord.Source.EXTERNAL
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)
