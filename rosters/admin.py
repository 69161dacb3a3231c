"""Roster import and export in the admin.

Import is preview first: the upload runs as a dry run and its record shows
what would be new, updated, unchanged or wrong, row by row (new rows with their
cells, updated rows with each change); only an import with no problem can be
confirmed, and the confirmation writes exactly what the preview showed (or
nothing). Large files are imported in the background with a progress bar.
Export goes through django-import-export's admin with the same resources.
"""

from django import forms
from django.apps import apps
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ExportMixin
from import_export.formats import base_formats
from import_export.forms import SelectableFieldsExportForm

from rosters import exports, registry, runner, tabular
from rosters.models import ImportRecord, ImportRow
from rosters.tasks import confirm_import, run_in_background, stored_content, tmp_storage

#: Rows of a preview shown per page.
PREVIEW_PAGE_SIZE = 50


class ExportForm(SelectableFieldsExportForm):
    """The columns to choose from, named as the file's headers are, in the
    reader's language (import-export would show "Resident Id")."""

    def _get_field_label(self, resource, field_name):
        return resource().column_label(resource.fields[field_name])


class RosterExportMixin(ExportMixin):
    """Export through the resources of the import kinds registered for this
    model (XLSX, or CSV with a byte-order mark for Excel), and links to those imports."""

    export_form_class = ExportForm
    export_formats = [base_formats.XLSX, base_formats.CSV]
    to_encoding = "utf-8-sig"
    import_export_change_list_template = "admin/rosters/roster_change_list.html"

    def get_resource_classes(self, request):
        return [kind.resource for kind in registry.kinds_for_model(self.model)]

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def changelist_view(self, request, extra_context=None):
        kinds = [kind for kind in registry.kinds_for_model(self.model) if request.user.has_perm(kind.permission)]
        return super().changelist_view(request, {**(extra_context or {}), "import_kinds": kinds})


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("XLSX, or CSV in UTF-8 or GBK/GB18030 as Excel saves it."),
    )

    def __init__(self, *args, kind: registry.Kind, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if kind.option:
            model = apps.get_model(kind.option_model)
            self.fields[kind.option] = forms.ModelChoiceField(
                model.objects.all(), label=model._meta.verbose_name, empty_label=None
            )
            self.order_fields([kind.option, "file"])

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            tabular.check_size(upload.size)
        except tabular.UnreadableFile as refusal:
            raise forms.ValidationError(refusal.message, code="too_large") from None
        if not upload.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."), code="file_type")
        return upload


class KindFilter(admin.SimpleListFilter):
    title = gettext_lazy("kind of import")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind.key, kind.label) for kind in registry.all_kinds()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    """The record of every import, and the pages that run them."""

    list_display = [
        "started_at",
        "kind_label",
        "file_name",
        "user",
        "status",
        "dry_run",
        "new",
        "updated",
        "unchanged",
        "invalid",
    ]
    list_filter = ["status", KindFilter, "dry_run"]
    search_fields = ["file_name", "file_sha256", "user__email"]
    date_hierarchy = "started_at"
    list_select_related = ["user"]
    change_list_template = "admin/rosters/importrecord/change_list.html"

    @admin.display(description=gettext_lazy("kind of import"), ordering="kind")
    def kind_label(self, record):
        kind = registry.get(record.kind)
        return kind.label if kind else record.kind

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("new/<slug:kind>/", view(self.new_import_view), name="rosters_importrecord_new"),
            path(
                "template/<slug:kind>.<slug:file_format>",
                view(self.template_view),
                name="rosters_importrecord_template",
            ),
            path("<int:pk>/confirm/", view(self.confirm_view), name="rosters_importrecord_confirm"),
            path("<int:pk>/progress/", view(self.progress_view), name="rosters_importrecord_progress"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        kinds = [kind for kind in registry.all_kinds() if request.user.has_perm(kind.permission)]
        return super().changelist_view(request, {**(extra_context or {}), "import_kinds": kinds})

    def _kind(self, request, key) -> registry.Kind:
        kind = registry.get(key)
        if kind is None:
            raise Http404
        if not request.user.has_perm(kind.permission):
            raise PermissionDenied
        return kind

    def _context(self, request, **context):
        return {**self.admin_site.each_context(request), "opts": self.model._meta, **context}

    def new_import_view(self, request, kind):
        kind = self._kind(request, kind)
        form = UploadForm(request.POST or None, request.FILES or None, kind=kind)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            # A large upload already waits on disk: the import reads it there.
            path = getattr(upload, "temporary_file_path", None)
            content = path() if path else upload.read()
            options = {kind.option: form.cleaned_data[kind.option]} if kind.option else {}
            outcome = runner.run_import(
                kind=kind, content=content, file_name=upload.name, user=request.user, dry_run=True, options=options
            )
            if outcome.ok:
                storage = tmp_storage()
                upload.seek(0)
                storage.save(upload.read())
                outcome.record.stored_file = storage.name
                outcome.record.save(update_fields=["stored_file"])
            return redirect("admin:rosters_importrecord_change", outcome.record.pk)
        resource = kind.resource()
        context = self._context(
            request,
            title=_("Import: %(kind)s") % {"kind": kind.label},
            kind=kind,
            form=form,
            max_size=filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES),
            max_rows=settings.IMPORT_MAX_ROWS,
            columns=[resource.column_label(field) for field in resource.import_fields()],
        )
        return TemplateResponse(request, "admin/rosters/importrecord/upload.html", context)

    def template_view(self, request, kind, file_format):
        kind = self._kind(request, kind)
        resource = kind.resource(user=request.user)
        return exports.download(resource.template(), filename=f"{kind.key}-template", file_format=file_format)

    def confirm_view(self, request, pk):
        if request.method != "POST":
            raise Http404
        preview = get_object_or_404(ImportRecord, pk=pk, dry_run=True, user=request.user)
        kind = self._kind(request, preview.kind)
        if preview.status != ImportRecord.Status.PREVIEWED or not preview.stored_file:
            messages.error(request, _("This preview cannot be confirmed (it had problems, or was confirmed already)."))
            return redirect("admin:rosters_importrecord_change", preview.pk)
        storage = tmp_storage(preview.stored_file)
        try:
            digest = runner.sha256(tabular.Source(stored_content(storage)))
        except OSError:
            digest = ""
        if digest != preview.file_sha256:
            messages.error(request, _("The previewed file is no longer available. Upload it again."))
            return redirect("admin:rosters_importrecord_new", kind.key)
        record = ImportRecord.objects.create(
            kind=kind.key,
            user=request.user,
            file_name=preview.file_name,
            file_sha256=preview.file_sha256,
            file_size=preview.file_size,
            dry_run=False,
            options=preview.options,
            preview=preview,
            rows_total=preview.rows_total,
        )
        preview.stored_file = ""
        preview.save(update_fields=["stored_file"])
        background = preview.rows_total > settings.IMPORT_BACKGROUND_ROWS
        if background:
            messages.info(request, _("The import runs in the background; this page shows its progress."))
            run_in_background(record, storage.name)
        else:
            confirm_import(record.pk, storage.name)
        return redirect("admin:rosters_importrecord_change", record.pk)

    def progress_view(self, request, pk):
        record = get_object_or_404(ImportRecord, pk=pk)
        record.give_up_if_interrupted(timezone.now())
        return JsonResponse(
            {
                "status": record.status,
                "status_display": record.get_status_display(),
                "rows_done": record.rows_done,
                "rows_total": record.rows_total,
                "finished": record.is_finished,
                "waiting": record.is_waiting_for_a_worker,
            }
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        record = get_object_or_404(ImportRecord.objects.select_related("user", "preview"), pk=object_id)
        if not self.has_view_permission(request, record):
            raise PermissionDenied
        record.give_up_if_interrupted(timezone.now())
        kind = registry.get(record.kind)
        show = (
            request.GET.get("show")
            if request.GET.get("show") in (ImportRow.Outcome.NEW, ImportRow.Outcome.UPDATE)
            else ""
        )
        show = show or (ImportRow.Outcome.UPDATE if record.updated and not record.new else ImportRow.Outcome.NEW)
        rows = record.rows.filter(outcome=show).order_by("line") if record.dry_run else record.rows.none()
        context = self._context(
            request,
            title=str(record),
            record=record,
            kind=kind,
            progress_url=reverse("admin:rosters_importrecord_progress", args=[record.pk]),
            original=record,
            show=show,
            page=Paginator(rows, PREVIEW_PAGE_SIZE).get_page(request.GET.get("page")),
            can_confirm=(
                record.dry_run
                and record.status == ImportRecord.Status.PREVIEWED
                and bool(record.stored_file)
                and record.user_id == request.user.pk
                and kind is not None
                and request.user.has_perm(kind.permission)
            ),
        )
        return TemplateResponse(request, "admin/rosters/importrecord/detail.html", context)
