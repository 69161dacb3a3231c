from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("certificates/<str:serial>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/sessions/<int:pk>/", views.session_batch, name="session-batch"),
    path("certificates/sessions/<int:pk>.zip", views.session_zip, name="session-zip"),
    path("certificates/rounds/<int:pk>/", views.round_batch, name="round-batch"),
    path("certificates/rounds/<int:pk>.zip", views.round_zip, name="round-zip"),
    path("certificates/batches/<int:pk>/", views.batch_progress, name="batch-progress"),
    path("certificates/<str:serial>/revoke/", views.revoke, name="revoke"),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
