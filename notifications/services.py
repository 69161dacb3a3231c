"""Notifying people.

    notify(kind="training.enrolled", recipients=[practitioner, user, ...],
           context={...}, link="/training/mine/", occasion="enrolment:123")

Call it inside the transaction that made the change. It writes every
notification and its deliveries with a fixed number of queries whatever the
number of recipients (bulk INSERTs that skip the (person, kind, occasion)
rows that already exist), and queues the sending for after the commit: a
request that confirms 3,000 placements does not wait for 3,000 emails.

Lock order: a Delivery row is locked (claimed) only by the sending task
(notifications.delivery), one chunk at a time, never together with another
app's rows.
"""

import contextlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.template.exceptions import TemplateDoesNotExist
from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.translation import gettext

from notifications import kinds
from notifications.delivery import enqueue_batch
from notifications.models import ChannelPreference, Delivery, Notification
from talent.models import Practitioner, User


@dataclass
class _Recipient:
    user_id: int | None
    practitioner_id: int | None
    email: str
    mobile: str
    language: str
    name: str


@dataclass
class Item:
    """One notification to write: who, with what context, link and occasion."""

    recipient: object  # talent.Practitioner or talent.User
    context: dict
    link: str
    occasion: str


def notify(*, kind: str, recipients: Iterable, context: dict | None = None, link: str = "", occasion: str) -> int:
    """Notify each of `recipients` (practitioners or users) once about
    `occasion`; returns how many notifications are new."""
    context = context or {}
    return notify_many(kind=kind, items=[Item(r, context, link, occasion) for r in recipients])


def notify_many(*, kind: str, items: Iterable[Item]) -> int:
    """Like `notify`, each item with its own context, link and occasion (the
    reminders). Returns how many notifications are new."""
    kind_obj = kinds.get(kind)
    items = list(items)
    if not items:
        return 0
    resolved = _resolve([item.recipient for item in items])
    already = _already_told(kind, {item.occasion for item in items})
    batch = uuid.uuid4()
    rendered: dict[tuple, tuple[str, str, str]] = {}
    rows = []
    seen = set()
    greetings: dict[str, tuple[str, str]] = {}
    for item, person in zip(items, resolved, strict=True):
        occasion = item.occasion[:200]
        keys = []
        if person.user_id:
            keys.append((f"u{person.user_id}", occasion))
        if person.practitioner_id:
            keys.append((person.practitioner_id, occasion))
        if any(k in seen or k in already for k in keys):
            continue  # told before, or twice in this call
        seen.update(keys)
        # Rendered once per distinct context and language: a round's 3,000
        # notifications share a handful, reminders share them by date.
        cache_key = (_context_key(item.context), item.link, person.language)
        if cache_key not in rendered:
            rendered[cache_key] = render(kind_obj, item.context, link=item.link, language=person.language)
        subject, body, sms_text = rendered[cache_key]
        if person.language not in greetings:
            greetings[person.language] = _greetings(person.language)
        named, anonymous = greetings[person.language]
        body = (named % {"name": person.name} if person.name else anonymous) + "\n\n" + body
        rows.append((person, occasion, subject[:255], body, sms_text, item.link))
    if not rows:
        return 0
    created = _insert_notifications(kind, rows, batch)
    if not created:
        return 0
    people = {(p.user_id, p.practitioner_id): p for p in resolved}
    if count := _insert_deliveries(_deliveries(kind_obj, created, people)):
        transaction.on_commit(lambda: enqueue_batch(str(batch), deliveries=count))
    return len(created)


def _context_key(context: dict):
    """Equal contexts render equally: a hashable key of the values (model
    instances compare by primary key), or the dict's identity when a value
    cannot be hashed."""
    try:
        key = tuple(sorted(context.items()))
        hash(key)
    except TypeError:
        return ("id", id(context))
    return key


#: Beyond this many distinct occasions in one call, the rows already there are
#: left to the INSERT to skip rather than looked up first.
_LOOKUP_OCCASIONS = 500


def _already_told(kind: str, occasions: set[str]) -> set[tuple[int | str, str]]:
    """The (practitioner id, occasion) and ("u<user id>", occasion) of the
    notifications of `kind` for these occasions that exist, so that a second
    run skips them before rendering anything. One query."""
    if len(occasions) > _LOOKUP_OCCASIONS:
        return set()
    found: set[tuple[int | str, str]] = set()
    rows = Notification.objects.filter(kind=kind, occasion__in=occasions).values_list(
        "user_id", "practitioner_id", "occasion"
    )
    for user_id, practitioner_id, occasion in rows.iterator(chunk_size=10_000):
        if user_id:
            found.add((f"u{user_id}", occasion))
        if practitioner_id:
            found.add((practitioner_id, occasion))
    return found


def render(kind_obj: kinds.Kind, context: dict, *, link: str, language: str) -> tuple[str, str, str]:
    """(subject, body, SMS text) of `kind_obj` in `language`."""
    with translation.override(language):
        full = {
            **context,
            "site_name": str(settings.SITE_NAME),
            "site_base_url": settings.SITE_BASE_URL,
            "link_url": (settings.SITE_BASE_URL + link) if link and "://" not in link else link,
        }
        text = get_template(f"{kind_obj.template}.txt").render(full).strip()
        subject, _, body = text.partition("\n")
        subject, body = subject.strip(), body.strip()
        try:
            sms_text = get_template(f"{kind_obj.template}.sms.txt").render(full).strip()
        except TemplateDoesNotExist:
            sms_text = subject
    return subject, body, sms_text


def _greetings(language: str) -> tuple[str, str]:
    """The first line of every text, in `language`: with the person's name, and without."""
    with translation.override(language):
        return gettext("Dear %(name)s,"), gettext("Hello,")


def _resolve(recipients: list) -> list[_Recipient | None]:
    """Who each recipient is and how to reach them, in three queries at most
    whatever their number."""
    user_ids = {r.pk for r in recipients if isinstance(r, User)}
    practitioner_user_ids = {r.user_id for r in recipients if isinstance(r, Practitioner) and r.user_id}
    # The registry records of the accounts (mobile, language).
    by_user = {}
    if user_ids:
        by_user = {
            p.user_id: p
            for p in Practitioner.objects.filter(user_id__in=user_ids).only(
                "pk", "user_id", "name", "mobile", "email", "preferred_language"
            )
        }
    # The accounts of the registry records (email when the record has none).
    user_emails = {}
    need = {uid for uid in practitioner_user_ids if uid not in user_ids}
    if need:
        user_emails = dict(User.objects.filter(pk__in=need).values_list("pk", "email"))
    for r in recipients:
        if isinstance(r, User):
            user_emails[r.pk] = r.email or ""

    out: list[_Recipient | None] = []
    for r in recipients:
        if isinstance(r, User):
            p = by_user.get(r.pk)
            phone = getattr(r, "phone", "") or ""
            if p is None:
                out.append(
                    _Recipient(r.pk, None, r.email or "", phone, settings.LANGUAGE_CODE, r.get_full_name() or "")
                )
            else:
                out.append(
                    _Recipient(r.pk, p.pk, p.email or r.email or "", p.mobile or phone, p.preferred_language, p.name)
                )
        elif isinstance(r, Practitioner):
            email = r.email or (user_emails.get(r.user_id, "") if r.user_id else "")
            out.append(_Recipient(r.user_id, r.pk, email or "", r.mobile or "", r.preferred_language, r.name))
        else:
            raise TypeError(f"Cannot notify {r!r}: a talent.Practitioner or talent.User is needed")
    return out


def _deliveries(kind_obj, created, people) -> list[tuple[int, str, str]]:
    """(notification id, channel, address) for each channel the person can be
    reached on and has not switched off (mandatory kinds: all of them). One query."""
    user_ids = {user_id for _, user_id, _ in created if user_id}
    choices = {}
    if user_ids and not kind_obj.mandatory:
        choices = {c.user_id: c for c in ChannelPreference.objects.filter(user_id__in=user_ids, kind=kind_obj.code)}
    out = []
    for pk, user_id, practitioner_id in created:
        person = people.get((user_id, practitioner_id))
        if person is None:
            continue
        choice = choices.get(user_id)
        if person.email and (choice is None or choice.email):
            out.append((pk, Delivery.Channel.EMAIL.value, person.email))
        if person.mobile and kind_obj.sms and (choice is None or choice.sms):
            out.append((pk, Delivery.Channel.SMS.value, person.mobile))
    return out


@contextlib.contextmanager
def _bound_cursor():
    """A cursor that sends the parameters apart from the statement
    (server-side binding, psycopg's plain Cursor): thousands of texts in
    arrays travel as they are instead of being quoted into one SQL string.
    Wrapped as Django wraps its own, so it is counted and logged the same."""
    import psycopg

    connection.ensure_connection()
    raw = psycopg.Cursor(connection.connection)
    cursor = connection.make_debug_cursor(raw) if connection.queries_logged else connection.make_cursor(raw)
    try:
        yield cursor
    finally:
        raw.close()


def _insert_notifications(kind: str, rows: list, batch: uuid.UUID) -> list[tuple[int, int | None, int | None]]:
    """Insert the rows, skipping those a (person, kind, occasion) constraint
    refuses; returns (id, user id, practitioner id) of the new ones. On
    PostgreSQL one statement whatever the number of rows (arrays unnested);
    elsewhere Django's bulk_create (SQLite splits it into batches) and one
    query to read the new rows back."""
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = Notification._meta.db_table
        sql = f"""
            INSERT INTO {table}
                (user_id, practitioner_id, kind, occasion, language, subject, body, sms_text, link, created_at, batch)
            SELECT u, p, %s, o, l, s, b, t, k, %s, %s
            FROM unnest(%s::bigint[], %s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::text[],
                        %s::text[]) AS x(u, p, o, l, s, b, t, k)
            ON CONFLICT DO NOTHING
            RETURNING id, user_id, practitioner_id
        """  # noqa: S608 -- the table name is ours, every value a parameter
        columns = list(
            zip(*((r[0].user_id, r[0].practitioner_id, r[1], r[0].language, *r[2:]) for r in rows), strict=True)
        )
        with _bound_cursor() as cursor:
            cursor.execute(sql, [kind, now, batch, *map(list, columns)])
            return cursor.fetchall()
    Notification.objects.bulk_create(
        [
            Notification(
                user_id=person.user_id,
                practitioner_id=person.practitioner_id,
                kind=kind,
                occasion=occasion,
                language=person.language,
                subject=subject,
                body=body,
                sms_text=sms_text,
                link=link,
                batch=batch,
            )
            for person, occasion, subject, body, sms_text, link in rows
        ],
        ignore_conflicts=True,
    )
    return list(Notification.objects.filter(batch=batch).values_list("pk", "user_id", "practitioner_id"))


def _insert_deliveries(deliveries: list[tuple[int, str, str]]) -> int:
    """Insert the deliveries, due now; one statement on PostgreSQL."""
    if not deliveries:
        return 0
    now = timezone.now()
    if connection.vendor == "postgresql":
        table = Delivery._meta.db_table
        sql = f"""
            INSERT INTO {table}
                (notification_id, channel, address, status, attempts, last_error, next_attempt_at, provider_id,
                 created_at)
            SELECT n, c, a, %s, 0, '', %s, '', %s
            FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS x(n, c, a)
            ON CONFLICT DO NOTHING
        """  # noqa: S608 -- the table name is ours, every value a parameter
        columns = list(zip(*deliveries, strict=True))
        with _bound_cursor() as cursor:
            cursor.execute(sql, [Delivery.Status.PENDING.value, now, now, *map(list, columns)])
        return len(deliveries)
    Delivery.objects.bulk_create(
        [Delivery(notification_id=n, channel=c, address=a, next_attempt_at=now) for n, c, a in deliveries],
        ignore_conflicts=True,
    )
    return len(deliveries)


def channels_for(user) -> dict[str, dict]:
    """For the preferences page: each kind's current choice for `user`."""
    stored = {c.kind: c for c in ChannelPreference.objects.filter(user=user)}
    return {
        k.code: {
            "kind": k,
            "email": k.mandatory or stored.get(k.code) is None or stored[k.code].email,
            "sms": k.mandatory or stored.get(k.code) is None or stored[k.code].sms,
        }
        for k in kinds.all_kinds()
    }


@transaction.atomic
def set_channels(*, user, choices: dict[str, tuple[bool, bool]]) -> None:
    """Store `user`'s (email, sms) choice for each kind code; mandatory kinds stay on."""
    for code, (email, sms) in choices.items():
        kind_obj = kinds.get(code)
        if kind_obj.mandatory:
            email = sms = True
        if email and sms:
            ChannelPreference.objects.filter(user=user, kind=code).delete()
        else:
            ChannelPreference.objects.update_or_create(user=user, kind=code, defaults={"email": email, "sms": sms})


def mark_read(*, user, pks: Iterable[int] | None = None) -> int:
    """Mark `user`'s notifications (those of `pks`, or all) read; others' rows are never touched."""
    qs = Notification.objects.for_user(user).filter(read_at__isnull=True)
    if pks is not None:
        qs = qs.filter(pk__in=list(pks))
    return qs.update(read_at=timezone.now())
