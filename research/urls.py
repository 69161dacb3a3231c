from django.urls import path

from research import views

app_name = "research"
urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/members/", views.member_add, name="member-add"),
    path("projects/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member-remove"),
    path("projects/<int:pk>/milestones/", views.milestone_add, name="milestone-add"),
    path("projects/<int:pk>/milestones/<int:milestone_pk>/", views.milestone_state, name="milestone-state"),
    path("projects/<int:pk>/outputs/", views.output_add, name="output-add"),
    path("outputs/<int:pk>/file/", views.output_file, name="output-file"),
    path("activities/", views.activity_list, name="activity-list"),
    path("activities/new/", views.activity_create, name="activity-create"),
    path("claims/", views.claim_list, name="claim-list"),
    path("claims/review/", views.claim_review_list, name="claim-review-list"),
    path("claims/<int:pk>/review/", views.claim_review, name="claim-review"),
    path("claims/<int:pk>/evidence/", views.claim_evidence, name="claim-evidence"),
    path("proof/", views.proof_issue, name="proof-issue"),
    path("proof/<str:serial>.pdf", views.proof_pdf, name="proof-pdf"),
    path("verify/<str:code>/", views.proof_verify, name="proof-verify"),
    path("pairing/", views.pairing, name="pairing"),
    path("pairing.<str:file_format>", views.pairing, name="pairing-export"),
]
