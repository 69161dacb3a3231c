"""Sending text messages (SMS), through a backend chosen like Django's email
backend: settings.SMS_BACKEND names a class with a `send(message) -> str`.

    from notifications.sms import SMSError, send_sms
    try:
        message_id = send_sms("13912345678", "您报名的课程明天开课。", kind="training.reminder")
    except SMSError as error:
        ...  # nothing was sent: try again later (error.retry_after, if the gateway said)

The signature (签名, settings.SMS_SIGNATURE, e.g. 【大庆市社工委】) is added to
every message and counts towards its length. A message of up to 70 characters
is one SMS; a longer one goes as concatenated segments of 67 characters each,
and one longer than SMS_MAX_SEGMENTS segments is shortened (with "…") to fit:
the full text is always in the person's inbox.
"""

import math
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.module_loading import import_string

from notifications.sms.backends.locmem import outbox
from talent.fields import normalize_mobile, validate_mobile

__all__ = ["Message", "SMSError", "build_message", "get_backend", "outbox", "segment_count", "send_sms"]

#: Characters in a single SMS (UCS-2, which every message with Chinese uses).
SINGLE_LENGTH = 70
#: Characters in each part of a concatenated SMS (3 go to the part header).
SEGMENT_LENGTH = 67
ELLIPSIS = "…"


class SMSError(Exception):
    """Nothing was sent; the caller should try again later. `retry_after` is
    the number of seconds the gateway asked us to wait, when it said."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


def segment_count(content: str) -> int:
    """How many SMS a gateway bills for `content` (signature included)."""
    if len(content) <= SINGLE_LENGTH:
        return 1
    return math.ceil(len(content) / SEGMENT_LENGTH)


def fit(text: str, *, signature: str, max_segments: int) -> str:
    """`text`, shortened with an ellipsis if, with the signature, it would take
    more than `max_segments` segments."""
    room = SINGLE_LENGTH if max_segments <= 1 else max_segments * SEGMENT_LENGTH
    room -= len(signature)
    if len(text) <= room:
        return text
    return text[: max(room - len(ELLIPSIS), 0)].rstrip() + ELLIPSIS


@dataclass
class Message:
    """One text to one number, as handed to a backend."""

    number: str
    text: str
    signature: str = ""
    #: The notification kind, when there is one; gateways that send only
    #: pre-approved templates map it to a template id (SMS_TEMPLATE_IDS).
    kind: str = ""
    template_id: str = ""
    segments: int = field(init=False)

    def __post_init__(self):
        self.segments = segment_count(self.content)

    @property
    def content(self) -> str:
        """What the phone shows: the signature, then the text."""
        return f"{self.signature}{self.text}"


def get_backend(backend: str | None = None, **kwargs):
    """An instance of the SMS backend: `backend` (a dotted path) or settings.SMS_BACKEND."""
    return import_string(backend or settings.SMS_BACKEND)(**kwargs)


def build_message(number: str, text: str, *, kind: str = "") -> Message:
    number = normalize_mobile(number)
    validate_mobile(number)
    signature = settings.SMS_SIGNATURE
    text = fit(" ".join(text.split()), signature=signature, max_segments=settings.SMS_MAX_SEGMENTS)
    return Message(
        number=number,
        text=text,
        signature=signature,
        kind=kind,
        template_id=settings.SMS_TEMPLATE_IDS.get(kind, "") if kind else "",
    )


def send_sms(number: str, text: str, *, kind: str = "") -> str:
    """Send `text` to the mainland mobile `number`; returns the gateway's
    message id. Raises SMSError when nothing was sent (try again later) and
    django.core.exceptions.ValidationError for a number that is not a mobile
    number (trying again will not help)."""
    return get_backend().send(build_message(number, text, kind=kind))
