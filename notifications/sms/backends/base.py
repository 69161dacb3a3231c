class BaseSMSBackend:
    """A backend sends one `notifications.sms.Message` and returns the
    gateway's id for it, or raises `notifications.sms.SMSError`."""

    def __init__(self, **kwargs):
        pass

    def send(self, message) -> str:
        raise NotImplementedError
