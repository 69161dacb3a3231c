from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from placements.models import PracticeBase


@admin.register(PracticeBase)
class PracticeBaseAdmin(admin.ModelAdmin):
    list_display = ["sub_district", "district", "contact_person", "contact_phone"]
    list_select_related = ["sub_district"]
    search_fields = ["sub_district__name", "sub_district__district"]
    filter_horizontal = ["coordinators"]

    @admin.display(description=_("district"), ordering="sub_district__district")
    def district(self, base):
        return base.district
