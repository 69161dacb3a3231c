"""The kinds of import, registered by the apps they belong to.

Each domain app declares its kinds next to its resources and registers them
from its `AppConfig.ready()`; the admin pages, the `import_roster` command and
the runner find them here, by key or by model. Adding a kind touches only the
app it belongs to.
"""

import dataclasses

from django.db.models import Model


@dataclasses.dataclass(frozen=True)
class Kind:
    """One kind of import: a resource, the permission it needs, and the record
    every row goes into when there is one (a session, a round), chosen with the file."""

    key: str
    label: str
    resource: type
    permission: str
    #: The keyword the resource takes for that record ("session") and its model ("training.CourseSession").
    option: str = ""
    option_model: str = ""

    @property
    def model(self) -> type[Model]:
        return self.resource._meta.model


_kinds: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Make `kind` importable. Registering the same kind again is harmless;
    another kind under a key already taken is a mistake."""
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"Another import kind is already registered as {kind.key!r}.")
    _kinds[kind.key] = kind
    return kind


def unregister(key: str) -> None:
    _kinds.pop(key, None)


def get(key: str) -> Kind | None:
    return _kinds.get(key)


def all_kinds() -> list[Kind]:
    return list(_kinds.values())


def kinds_for_model(model: type[Model]) -> list[Kind]:
    return [kind for kind in _kinds.values() if kind.model is model]
