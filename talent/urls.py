from django.urls import path

from talent import views

app_name = "talent"
urlpatterns = [
    path("", views.practitioner_list, name="practitioner-list"),
    path("export.<str:file_format>", views.practitioner_list, name="practitioner-export"),
    path("me/", views.my_profile, name="my-profile"),
    path("<int:pk>/", views.practitioner_detail, name="practitioner-detail"),
    path("<int:pk>/unmask/", views.practitioner_unmask, name="practitioner-unmask"),
    path("continuing-education/", views.continuing_education_report, name="ce-report"),
    path(
        "continuing-education.<str:file_format>",
        views.continuing_education_report,
        name="ce-report-export",
    ),
]
