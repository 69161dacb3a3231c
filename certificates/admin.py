from django.contrib import admin
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from certificates.models import Certificate, CertificateBatch, CertificateIssuer


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["serial", "holder", "title", "kind", "issued_at", "revoked_at", "links"]
    list_filter = ["kind", "year", ("revoked_at", admin.EmptyFieldListFilter)]
    list_select_related = ["holder"]
    search_fields = ["serial", "holder__name", "holder__resident_id", "title"]
    date_hierarchy = "issued_at"
    # Certificates are immutable; revocation has its own page with a reason.
    readonly_fields = [f.name for f in Certificate._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("links"))
    def links(self, certificate):
        return format_html(
            '<a href="{}">PDF</a> · <a href="{}">{}</a>',
            certificate.get_absolute_url(),
            reverse("certificates:revoke", args=[certificate.serial]),
            _("Revoke"),
        )


@admin.register(CertificateIssuer)
class CertificateIssuerAdmin(admin.ModelAdmin):
    """One row: the list goes straight to it (or to adding it the first time)."""

    fields = ["name_zh", "name_en", "seal", "updated_at"]
    readonly_fields = ["updated_at"]

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not CertificateIssuer.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        if CertificateIssuer.objects.exists():
            return redirect("admin:certificates_certificateissuer_change", 1)
        return redirect("admin:certificates_certificateissuer_add")


@admin.register(CertificateBatch)
class CertificateBatchAdmin(admin.ModelAdmin):
    """The batches issued in the background, for administrators to see which
    stopped and why; they are started and carried on from their pages."""

    list_display = ["__str__", "status", "done", "refused", "total", "started_by", "created_at", "heartbeat"]
    list_filter = ["status"]
    list_select_related = ["started_by"]
    # The scope and the positions are keys for the machinery; the session or round says the same.
    exclude = ["scope", "positions"]
    readonly_fields = [f.name for f in CertificateBatch._meta.fields if f.name not in {"scope", "positions"}]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
