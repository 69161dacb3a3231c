"""The committee's seal: a PNG with transparency, printed over the issuer's name.

Checked with Pillow when an administrator uploads it, so that a certificate
never goes out with a white box around the seal or a broken image."""

import base64

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

MAX_BYTES = 2 * 1024 * 1024
# Printed about 40 mm wide: 200 px is ~130 dpi, less looks blurred; more than
# 4000 px only makes every certificate heavier.
MIN_SIDE = 200
MAX_SIDE = 4000


def validate_seal(upload) -> None:
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The seal image is %(size)d KB; it may be at most %(limit)d KB."),
            code="too_large",
            params={"size": upload.size // 1024, "limit": MAX_BYTES // 1024},
        )
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            image_format, mode, info, (width, height) = image.format, image.mode, dict(image.info), image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(_("The seal must be a PNG image; this file is not one."), code="not_png") from None
    finally:
        upload.seek(0)
    if image_format != "PNG":
        raise ValidationError(
            _("The seal must be a PNG image; this file is %(format)s."),
            code="not_png",
            params={"format": image_format},
        )
    # An alpha channel, or a tRNS chunk (a transparent palette entry or colour).
    if "A" not in mode and "transparency" not in info:
        raise ValidationError(
            _(
                "The seal needs a transparent background (a PNG with an alpha channel), "
                "so that it does not hide the text under it."
            ),
            code="not_transparent",
        )
    if min(width, height) < MIN_SIDE or max(width, height) > MAX_SIDE:
        raise ValidationError(
            _("The seal is %(width)d × %(height)d pixels; each side must be between %(min)d and %(max)d."),
            code="bad_size",
            params={"width": width, "height": height, "min": MIN_SIDE, "max": MAX_SIDE},
        )


def data_uri(content: bytes) -> str:
    """The seal inline in the certificate's HTML: the renderer, in a worker
    process without storage or database, loads nothing but its own assets."""
    return "data:image/png;base64," + base64.b64encode(content).decode("ascii")
