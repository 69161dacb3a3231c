from notifications.models import Notification


class _LazyCount:
    """A count made when a template first shows it, then kept."""

    def __init__(self, queryset):
        self._queryset = queryset
        self._value = None

    @property
    def value(self) -> int:
        if self._value is None:
            self._value = self._queryset.count()
        return self._value

    def __int__(self):
        return self.value

    def __bool__(self):
        return self.value > 0

    def __str__(self):
        return str(self.value)

    def __eq__(self, other):
        return self.value == other

    __hash__ = None


def unread(request) -> dict:
    """The unread count for the user menu: one COUNT query, made only when a
    page shows it (signed-in users)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": _LazyCount(Notification.objects.for_user(user).filter(read_at__isnull=True))}
