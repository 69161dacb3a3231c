import itertools
import sys

from notifications.sms.backends.base import BaseSMSBackend

_ids = itertools.count(1)


class SMSBackend(BaseSMSBackend):
    """Writes each message to standard output (the default: `make run`)."""

    def __init__(self, stream=None, **kwargs):
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout

    def send(self, message) -> str:
        message_id = f"console-{next(_ids)}"
        self.stream.write(f"SMS {message_id} to {message.number} ({message.segments} segment(s)):\n")
        self.stream.write(f"{message.content}\n{'-' * 40}\n")
        self.stream.flush()
        return message_id
