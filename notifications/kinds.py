"""The registry of notification kinds.

Each app registers the kinds it sends from its own `AppConfig.ready()`:

    from notifications.kinds import Kind, register
    register(Kind(code="training.enrolled", label=_("Enrolled in a session"),
                  template="training/notifications/enrolled"))

`template` is a base name: `<base>.txt` is the text (first line the subject,
the rest the body), rendered in the recipient's language; `<base>.sms.txt`, if
present, is the shorter text sent by SMS (otherwise the subject is sent).
A mandatory kind (a placement confirmed, a certificate revoked) goes out on
every channel the person can be reached on, whatever their choices.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

_KINDS: dict[str, "Kind"] = {}


@dataclass(frozen=True)
class Kind:
    code: str
    label: str | Promise
    template: str
    mandatory: bool = False
    #: Whether people may receive it by SMS at all (long digests may prefer not).
    sms: bool = True

    def __str__(self):
        return str(self.label)


def register(kind: Kind) -> Kind:
    """Register `kind`; registering the same code again replaces it (ready()
    may run more than once in tests)."""
    if not kind.code or " " in kind.code or len(kind.code) > 60:
        raise ValueError(f"Bad notification kind code {kind.code!r}")
    _KINDS[kind.code] = kind
    return kind


def get(code: str) -> Kind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"Notification kind {code!r} is not registered") from None


def all_kinds() -> list[Kind]:
    """Every registered kind, in a stable order (by code)."""
    return [_KINDS[code] for code in sorted(_KINDS)]
