from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("assessment/", views.assessment_list, name="assessment-list"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>/", views.assessment_detail, name="assessment"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>.pdf", views.assessment_pdf, name="assessment-pdf"),
]
