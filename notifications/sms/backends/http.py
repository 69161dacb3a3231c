"""The real gateway: one HTTPS POST per message.

The request is JSON, authenticated by the key in a header:

    POST SMS_GATEWAY_URL
    Authorization: Bearer <SMS_GATEWAY_KEY>
    {"to": "13912345678", "signature": "【大庆市社工委】", "text": "…",
     "template_id": "SMS_123" or null, "kind": "training.enrolled", "segments": 1}

and a 2xx answer carries the message id, {"id": "…"}. Gateways of Chinese
carriers differ in their field names; an adapter in front of them (or a
subclass overriding `payload` and `message_id`) keeps this backend small.

Any failure raises SMSError, so that the caller tries again later: no answer
within SMS_GATEWAY_TIMEOUT, a refused key, a 5xx, and a 429 (too many
requests), whose Retry-After becomes `SMSError.retry_after`. On our side
SMS_RATE_PER_SECOND spaces the requests of this process out so that the
gateway's per-second limit is not hit in the first place.
"""

import json
import threading
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from notifications.sms import SMSError
from notifications.sms.backends.base import BaseSMSBackend


class RateLimiter:
    """At most `rate` calls a second in this process: `wait()` sleeps until
    the next call may go."""

    def __init__(self, rate: float):
        self.interval = 1 / rate if rate > 0 else 0
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self.lock:
            now = time.monotonic()
            at = max(now, self.next_at)
            self.next_at = at + self.interval
        if at > now:
            time.sleep(at - now)


_limiters: dict[tuple[str, float], RateLimiter] = {}
_limiters_lock = threading.Lock()


def _limiter(url: str, rate: float) -> RateLimiter:
    # One per gateway and process: backends are made per message, the limit is not.
    with _limiters_lock:
        return _limiters.setdefault((url, rate), RateLimiter(rate))


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None  # an HTTP date; the caller's own back-off applies


class SMSBackend(BaseSMSBackend):
    def __init__(self, *, url=None, key=None, timeout=None, rate_per_second=None, **kwargs):
        super().__init__(**kwargs)
        self.url = url or settings.SMS_GATEWAY_URL
        self.key = key or settings.SMS_GATEWAY_KEY
        self.timeout = timeout or settings.SMS_GATEWAY_TIMEOUT
        rate = settings.SMS_RATE_PER_SECOND if rate_per_second is None else rate_per_second
        if not self.url or not self.key:
            raise ImproperlyConfigured("The http SMS backend needs SMS_GATEWAY_URL and SMS_GATEWAY_KEY")
        self.limiter = _limiter(self.url, rate)

    def payload(self, message) -> dict:
        return {
            "to": message.number,
            "signature": message.signature,
            "text": message.text,
            "template_id": message.template_id or None,
            "kind": message.kind,
            "segments": message.segments,
        }

    def message_id(self, answer: dict) -> str:
        return str(answer["id"])

    def send(self, message) -> str:
        request = urllib.request.Request(  # noqa: S310 -- the URL is the operator's setting
            self.url,
            data=json.dumps(self.payload(message), ensure_ascii=False).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", "Authorization": f"Bearer {self.key}"},
            method="POST",
        )
        self.limiter.wait()
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read()
        except urllib.error.HTTPError as error:
            retry_after = _retry_after(error.headers.get("Retry-After")) if error.code == 429 else None
            detail = error.read(500).decode(errors="replace")
            raise SMSError(f"SMS gateway answered {error.code}: {detail}", retry_after=retry_after) from error
        except (OSError, TimeoutError) as error:  # refused, unreachable, timed out
            raise SMSError(f"SMS gateway not reachable: {error}") from error
        try:
            return self.message_id(json.loads(body))
        except (ValueError, KeyError, TypeError) as error:
            raise SMSError(f"SMS gateway gave no message id: {body[:200]!r}") from error
