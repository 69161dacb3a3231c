"""QR check-in codes: a URL with a signed token for (meeting, mode, time step).

The check-in screen shows a new code every `STEP_SECONDS`. A token is the
meeting's id, the mode (in or out) and the number of the 20-second step since
the epoch, signed with an HMAC of the site's secret key: issuing one writes
nothing anywhere. A token is accepted during its own step and the next one
(so it is at most ~40 seconds old), for its own meeting only; the service
then checks the meeting's check-in window, which ends with the meeting. A
screenshot forwarded to a group chat is useless a minute later.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import constant_time_compare, salted_hmac

STEP_SECONDS = 20
#: Check-in opens this long before a meeting starts; check-out this long before it ends.
OPENS_BEFORE = datetime.timedelta(minutes=30)
MODES = ("in", "out")
CLOCK_SKEW = datetime.timedelta(seconds=2)
_SALT = "training.checkin"
_SIGNATURE_LENGTH = 20  # hex digits: 80 bits, for a code that lives 40 seconds


class BadToken(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code  # "invalid" or "expired"


@dataclass(frozen=True)
class Token:
    meeting_id: int
    mode: str
    step: int


def step_at(moment: datetime.datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def _signature(meeting_id: int, mode: str, step: int) -> str:
    return salted_hmac(_SALT, f"{meeting_id}-{mode}-{step}", algorithm="sha256").hexdigest()[:_SIGNATURE_LENGTH]


def make_token(meeting_id: int, mode: str, moment: datetime.datetime) -> str:
    step = step_at(moment)
    return f"{meeting_id}-{mode}-{step}-{_signature(meeting_id, mode, step)}"


def checkin_url(meeting_id: int, mode: str, moment: datetime.datetime) -> str:
    """The absolute URL the QR code holds."""
    path = reverse("training:checkin", args=[make_token(meeting_id, mode, moment)])
    return settings.SITE_BASE_URL + path


def read_token(token: str, moment: datetime.datetime) -> Token:
    """The token's meeting and mode, if it is genuine and of the step of
    `moment` or the one before; BadToken otherwise."""
    try:
        meeting, mode, step, signature = token.split("-")
        parsed = Token(int(meeting), mode, int(step))
    except ValueError:
        raise BadToken("invalid") from None
    if parsed.mode not in MODES or not constant_time_compare(
        signature, _signature(parsed.meeting_id, parsed.mode, parsed.step)
    ):
        raise BadToken("invalid")
    current = step_at(moment)
    # A step ahead of ours: only a web server whose clock runs a little ahead
    # (two seconds are forgiven) could have issued it.
    if parsed.step > step_at(moment + CLOCK_SKEW):
        raise BadToken("invalid")
    if parsed.step < current - 1:
        raise BadToken("expired")
    return parsed
