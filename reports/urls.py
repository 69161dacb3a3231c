from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("assessment/", views.assessment_list, name="assessment-list"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>/", views.assessment_detail, name="assessment"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>.pdf", views.assessment_pdf, name="assessment-pdf"),
    path("assessment/<str:kind>/<int:base_id>/<int:year>/enter/", views.assessment_enter, name="assessment-enter"),
    path(
        "assessment/<str:kind>/<int:base_id>/<int:year>/comments/",
        views.assessment_comments,
        name="assessment-comments",
    ),
    path("assessment/<str:kind>/<int:base_id>/<int:year>/fixes/", views.assessment_fix, name="assessment-fix"),
    path(
        "assessment/<str:kind>/<int:base_id>/<int:year>/fixes/<int:fix_pk>/",
        views.assessment_follow_up,
        name="assessment-follow-up",
    ),
    path("assessment/<str:kind>/<int:base_id>/<int:year>/sign/", views.assessment_sign, name="assessment-sign"),
    path(
        "assessment/<str:kind>/<int:base_id>/<int:year>/evidence/<int:entry_pk>/",
        views.assessment_evidence,
        name="assessment-evidence",
    ),
]
