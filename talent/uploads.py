"""Uploaded documents (evidence of claimed hours, research outputs): PDF or
DOCX only, recognised by their content rather than their name, within
DOCUMENT_UPLOAD_MAX_BYTES. They are stored under media and served only
through views that check who asks, never by a public media URL."""

import hashlib
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

PDF = "pdf"
DOCX = "docx"
CONTENT_TYPES = {
    PDF: "application/pdf",
    DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def document_kind(upload) -> str | None:
    """ "pdf", "docx" or None, read from the bytes: a PDF starts with %PDF-, a
    DOCX is a zip archive holding word/document.xml."""
    upload.seek(0)
    head = upload.read(5)
    upload.seek(0)
    if head == b"%PDF-":
        return PDF
    if head[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(upload) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        if "word/document.xml" in names:
            return DOCX
    return None


def validate_document(upload) -> str:
    """The kind of an uploaded document, or a ValidationError saying what is wrong."""
    limit = settings.DOCUMENT_UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(limit)s.") % {"limit": filesizeformat(limit)}, code="file_too_large"
        )
    kind = document_kind(upload)
    if kind is None:
        raise ValidationError(_("Upload a PDF or a Word (DOCX) document."), code="file_type")
    return kind


def sha256(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b""):
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()
