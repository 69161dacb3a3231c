from notifications.sms.backends.base import BaseSMSBackend

#: Every message sent, in order; the tests empty it before each test
#: (tests/conftest.py) and read codes from it.
outbox = []


class SMSBackend(BaseSMSBackend):
    """Keeps messages in `outbox` instead of sending them (the tests)."""

    def send(self, message) -> str:
        outbox.append(message)
        return f"locmem-{len(outbox)}"
