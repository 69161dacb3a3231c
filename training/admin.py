from django.contrib import admin

from training.models import TrainingBase


@admin.register(TrainingBase)
class TrainingBaseAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "contact_person", "contact_phone"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]
    filter_horizontal = ["coordinators"]
