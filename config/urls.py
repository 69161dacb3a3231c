from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views

# The admin speaks for the committee, not for Django ("Django 管理").
admin.site.site_header = settings.SITE_NAME
admin.site.site_title = settings.SITE_NAME
admin.site.index_title = _("Talent, training and internship administration")
# The admin signs in through allauth, with its second factor and rate limits.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("talent/", include("talent.urls")),
    path("notifications/", include("notifications.urls")),
    path("training/", include("training.urls")),
    path("placements/", include("placements.urls")),
    path("", include("certificates.urls")),
    path("research/", include("research.urls")),
    path("reports/", include("reports.urls")),
    path("audit/", include("audit.urls")),
    path("admin/", admin.site.urls),
]
