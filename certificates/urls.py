from django.urls import path

from certificates import views

app_name = "certificates"
urlpatterns = [
    path("certificates/<str:serial>.pdf", views.certificate_pdf, name="pdf"),
    path("certificates/<str:serial>/revoke/", views.revoke, name="revoke"),
    path("verify/", views.verify_form, name="verify-form"),
    path("verify/<str:code>/", views.verify, name="verify"),
]
