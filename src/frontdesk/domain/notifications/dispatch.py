"""The notification sweep: each trigger is evaluated and its messages queued in ONE transaction.

For one trigger: the valid notifications of its event whose filters the ticket (and article)
pass; their recipients, each an agent who can still read the ticket, has not switched the
notification off for the transport (unless it is mandatory) and did not cause the event (unless
their ``NotificationOwnActions`` is on); the text in the recipient's language; one message per
recipient and transport, handed to the transport, which queues it in the same transaction.

Claim, evaluation, messages, the sent-log and the trigger's ``done`` commit together: a crash
anywhere rolls all of it back and the trigger is evaluated again, so nothing is lost and nothing
is sent twice. The sent-log (``NotificationSent``) is also checked before each message, as a
second guard. See docs/architecture/notifications.md.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

import structlog
from sqlalchemy import and_, delete, select, union, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from frontdesk.core.clock import utcnow
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    CustomerUser,
    Role,
    RoleGroupPermission,
)
from frontdesk.domain.accounts.queries import actor_for_agent
from frontdesk.domain.mail_setup.placeholders import (
    ConfigLookup,
    config_from,
    render_placeholders,
)
from frontdesk.domain.notifications import settings
from frontdesk.domain.notifications.models import (
    AgentMyQueue,
    Notification,
    NotificationPreference,
    NotificationSent,
    NotificationTrigger,
    TicketWatcher,
)
from frontdesk.domain.notifications.rendering import (
    Acting,
    for_recipient,
    message_for,
    notification_context,
)
from frontdesk.domain.notifications.transports import Recipient, Rendered, transport_for
from frontdesk.domain.runtime import Runtime, Tx
from frontdesk.domain.tickets.access import can_see, queue_group_id
from frontdesk.domain.tickets.models import Article, Ticket
from frontdesk.jobs.scheduler import describe_error
from frontdesk.sysconfig.registry import declared

QUEUED, DONE, FAILED = "queued", "done", "failed"
MAX_ATTEMPTS = 5
RETRY_SECONDS = 60
ERROR_LIMIT = 1000

log = structlog.get_logger(__name__)
Clock = Callable[[], datetime]


# --- recipients --------------------------------------------------------------------------------


async def agents_with(session: AsyncSession, group_id: int, permission: str) -> list[int]:
    """Agents granted ``permission`` (or ``rw``, which holds every one) in a group, directly or
    through a valid role."""
    wanted = (permission, "rw")
    direct = select(AgentGroupPermission.agent_id).where(
        AgentGroupPermission.group_id == group_id, AgentGroupPermission.permission.in_(wanted)
    )
    via_roles = (
        select(AgentRole.agent_id)
        .join(RoleGroupPermission, RoleGroupPermission.role_id == AgentRole.role_id)
        .join(Role, Role.id == AgentRole.role_id)
        .where(
            RoleGroupPermission.group_id == group_id,
            RoleGroupPermission.permission.in_(wanted),
            Role.valid.is_(True),
        )
    )
    return list(await session.scalars(union(direct, via_roles)))


async def _ids(session: AsyncSession, query: Any) -> list[int]:
    return list(await session.scalars(query))


NamedSource = Callable[[AsyncSession, Ticket, int], Awaitable[list[int]]]
ObjectSource = Callable[[AsyncSession, int], Awaitable[list[int]]]


async def _owner(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return [ticket.owner_id]


async def _responsible(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return [ticket.responsible_id]


async def _watchers(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return await _ids(
        session, select(TicketWatcher.agent_id).where(TicketWatcher.ticket_id == ticket.id)
    )


async def _my_queues(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return await _ids(
        session, select(AgentMyQueue.agent_id).where(AgentMyQueue.queue_id == ticket.queue_id)
    )


async def _queue_ro(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return await agents_with(session, group_id, "ro")


async def _queue_rw(session: AsyncSession, ticket: Ticket, group_id: int) -> list[int]:
    return await agents_with(session, group_id, "rw")


async def _agent(session: AsyncSession, agent_id: int) -> list[int]:
    return [agent_id]


async def _group(session: AsyncSession, group_id: int) -> list[int]:
    return await agents_with(session, group_id, "ro")


async def _role(session: AsyncSession, role_id: int) -> list[int]:
    return await _ids(session, select(AgentRole.agent_id).where(AgentRole.role_id == role_id))


# The agent recipients, by the vocabulary's names and object keys ("customer" is not an agent).
NAMED_RECIPIENTS: dict[str, NamedSource] = {
    "owner": _owner,
    "responsible": _responsible,
    "watchers": _watchers,
    "my_queues": _my_queues,
    "queue_ro": _queue_ro,
    "queue_rw": _queue_rw,
}
OBJECT_RECIPIENTS: dict[str, ObjectSource] = {
    "agent_id": _agent,
    "group_id": _group,
    "role_id": _role,
}


async def agent_candidates(
    session: AsyncSession, notification: Notification, ticket: Ticket, group_id: int
) -> list[int]:
    found: list[int] = []
    for entry in notification.recipients:
        if isinstance(entry, str) and entry in NAMED_RECIPIENTS:
            found += await NAMED_RECIPIENTS[entry](session, ticket, group_id)
        elif isinstance(entry, dict):
            for key, object_id in entry.items():
                if key in OBJECT_RECIPIENTS:
                    found += await OBJECT_RECIPIENTS[key](session, int(object_id))
    return list(dict.fromkeys(found))


# --- filters -----------------------------------------------------------------------------------

FilterCheck = Callable[[list[Any], Ticket, Article | None], bool]


def _column(name: str) -> FilterCheck:
    return lambda values, ticket, article: getattr(ticket, name) in values


def _article(name: str) -> FilterCheck:
    # An article condition on an event without an article does not match.
    return lambda values, ticket, article: article is not None and getattr(article, name) in values


FILTER_CHECKS: dict[str, FilterCheck] = {
    "queue_ids": _column("queue_id"),
    "state_ids": _column("state_id"),
    "priority_ids": _column("priority_id"),
    "type_ids": _column("type_id"),
    "service_ids": _column("service_id"),
    "sla_ids": _column("sla_id"),
    "lock": _column("lock_state"),
    "article_sender": _article("sender_type"),
    "article_channel": _article("channel"),
}


def passes_filters(filters: Mapping[str, Any], ticket: Ticket, article: Article | None) -> bool:
    """Every condition given must hold. A condition without a check here (dynamic fields, until
    that feature registers one) does not hold: better no mail than mail to the wrong people."""
    for key, values in filters.items():
        if not values:
            continue
        check = FILTER_CHECKS.get(key)
        if check is None or not check(values, ticket, article):
            return False
    return True


# --- evaluation --------------------------------------------------------------------------------


def _config_lookup(tx: Tx) -> ConfigLookup:
    """The settings a text may show; ``HttpType`` is ``http`` while no feature declares it."""
    http_type = declared().get("HttpType")
    own = {
        "HttpType": str(tx.setting(http_type)) if http_type is not None else "http",
        "FQDN": str(tx.setting(settings.FQDN)),
        "NotificationSenderName": str(tx.setting(settings.SENDER_NAME)),
        "NotificationSenderEmail": str(tx.setting(settings.SENDER_EMAIL)),
    }
    declared_setting = config_from(tx)

    def lookup(name: str) -> Any:
        return own[name] if name in own else declared_setting(name)

    return lookup


async def _acting(session: AsyncSession, trigger: NotificationTrigger) -> Acting:
    person: Agent | CustomerUser | None = None
    if trigger.actor_kind == "agent" and trigger.actor_id is not None:
        person = await session.get(Agent, trigger.actor_id)
    elif trigger.actor_kind == "customer" and trigger.actor_id is not None:
        person = await session.get(CustomerUser, trigger.actor_id)
    if person is None:
        return Acting("System", "", "System")
    return Acting(
        person.first_name,
        person.last_name,
        f"{person.first_name} {person.last_name}".strip(),
    )


async def _agent_recipients(
    tx: Tx, notification: Notification, ticket: Ticket, group_id: int, trigger: NotificationTrigger
) -> list[tuple[Recipient, list[str]]]:
    session = tx.session
    chosen: list[tuple[Recipient, list[str]]] = []
    for agent_id in await agent_candidates(session, notification, ticket, group_id):
        agent = await session.get(Agent, agent_id)
        if agent is None or not agent.valid:
            continue
        own_action = trigger.actor_kind == "agent" and trigger.actor_id == agent.id
        if own_action and not tx.runtime.config.value(settings.OWN_ACTIONS, agent.id):
            continue
        actor = await actor_for_agent(session, agent, tx.runtime.config)
        if not can_see(actor, ticket, group_id):
            continue
        off = set(
            await session.scalars(
                select(NotificationPreference.transport).where(
                    NotificationPreference.agent_id == agent.id,
                    NotificationPreference.notification_id == notification.id,
                    NotificationPreference.enabled.is_(False),
                )
            )
        )
        ways = [t for t in notification.transports if notification.mandatory or t not in off]
        if ways:
            recipient = Recipient(
                kind="agent",
                id=agent.id,
                name=agent.full_name,
                email=agent.email,
                first_name=agent.first_name,
                last_name=agent.last_name,
                language=actor.language,
            )
            chosen.append((recipient, ways))
    return chosen


async def _customer_recipient(
    tx: Tx, notification: Notification, ticket: Ticket, trigger: NotificationTrigger
) -> list[tuple[Recipient, list[str]]]:
    if "customer" not in notification.recipients or ticket.customer_user_id is None:
        return []
    if trigger.actor_kind == "customer" and trigger.actor_id == ticket.customer_user_id:
        return []  # the customer did this themselves
    user = await tx.session.get(CustomerUser, ticket.customer_user_id)
    if user is None or not user.valid:
        return []
    recipient = Recipient(
        kind="customer",
        id=user.id,
        name=f"{user.first_name} {user.last_name}".strip(),
        email=user.email,
        first_name=user.first_name,
        last_name=user.last_name,
        language=user.language,
    )
    return [(recipient, list(notification.transports))]


async def evaluate(tx: Tx, trigger: NotificationTrigger) -> int:
    """Queue the messages of one trigger in ``tx``; returns how many were handed over."""
    session = tx.session
    ticket = await session.get(Ticket, trigger.ticket_id)
    if ticket is None:
        return 0
    notifications = [
        n
        for n in await session.scalars(
            select(Notification).where(Notification.valid.is_(True)).order_by(Notification.id)
        )
        if trigger.event in n.events
    ]
    if not notifications:
        return 0
    article = await session.get(Article, trigger.article_id) if trigger.article_id else None
    group_id = await queue_group_id(session, ticket.queue_id)
    base = await notification_context(
        session, ticket, article, await _acting(session, trigger), _config_lookup(tx)
    )
    handed = 0
    for notification in notifications:
        if not passes_filters(notification.filters, ticket, article):
            continue
        recipients = await _agent_recipients(tx, notification, ticket, group_id, trigger)
        recipients += await _customer_recipient(tx, notification, ticket, trigger)
        for recipient, ways in recipients:
            text = message_for(notification.messages, recipient.language)
            context = for_recipient(base, recipient.first_name, recipient.last_name)
            rendered = Rendered(
                subject=render_placeholders(text["subject"], context),
                body=render_placeholders(text["body"], context),
                delivery_key=f"{trigger.id}:{notification.id}:{recipient.key}",
                ticket_id=ticket.id,
                article_id=article.id if article is not None else None,
            )
            for way in ways:
                transport = transport_for(way)
                key = (trigger.id, notification.id, recipient.key, way)
                if transport is None or await session.get(NotificationSent, key) is not None:
                    continue
                session.add(
                    NotificationSent(
                        trigger_id=trigger.id,
                        notification_id=notification.id,
                        recipient=recipient.key,
                        transport=way,
                    )
                )
                await transport.send(tx, recipient, rendered)
                handed += 1
    await session.flush()
    return handed


# --- the sweep ---------------------------------------------------------------------------------


def _due(now: datetime) -> Any:
    return and_(NotificationTrigger.status == QUEUED, NotificationTrigger.next_attempt_at <= now)


async def _claim(session: AsyncSession, now: datetime) -> NotificationTrigger | None:
    """Lock the oldest due trigger for this transaction. PostgreSQL: ``FOR UPDATE SKIP LOCKED``
    (workers pass over each other's rows). SQLite: an UPDATE first, so the transaction takes
    the write lock before it reads (one writer at a time; no read-to-write upgrade)."""
    oldest = (
        select(NotificationTrigger.id)
        .where(_due(now))
        .order_by(NotificationTrigger.next_attempt_at, NotificationTrigger.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        trigger_id = await session.scalar(oldest.with_for_update(skip_locked=True))
    else:
        trigger_id = await session.scalar(
            update(NotificationTrigger)
            .where(NotificationTrigger.id == oldest.scalar_subquery(), _due(now))
            .values(attempts=NotificationTrigger.attempts)
            .returning(NotificationTrigger.id)
            .execution_options(synchronize_session=False)
        )
    if trigger_id is None:
        return None
    return await session.get(NotificationTrigger, trigger_id)


async def dispatch_next(
    factory: async_sessionmaker[AsyncSession], runtime: Runtime, now: datetime
) -> bool:
    """Evaluate the oldest due trigger; False when none is due."""
    trigger_id: int | None = None
    try:
        async with unit_of_work(factory) as session:
            trigger = await _claim(session, now)
            if trigger is None:
                return False
            trigger_id = trigger.id
            handed = await evaluate(Tx(session=session, runtime=runtime), trigger)
            trigger.status = DONE
            trigger.attempts += 1
        log.info("notification_dispatched", trigger_id=trigger_id, messages=handed)
    except Exception as error:
        if trigger_id is None:
            raise
        await _record_failure(factory, trigger_id, now, describe_error(error))
    return True


async def _record_failure(
    factory: async_sessionmaker[AsyncSession], trigger_id: int, now: datetime, error: str
) -> None:
    async with unit_of_work(factory) as session:
        trigger = await session.get(NotificationTrigger, trigger_id)
        if trigger is None:
            return
        trigger.attempts += 1
        trigger.last_error = error[:ERROR_LIMIT]
        if trigger.attempts >= MAX_ATTEMPTS:
            trigger.status = FAILED
        else:
            delay = RETRY_SECONDS * 2 ** (trigger.attempts - 1)
            trigger.next_attempt_at = now + timedelta(seconds=delay)
    log.warning("notification_trigger_failed", trigger_id=trigger_id, error=error)


async def dispatch_due(
    factory: async_sessionmaker[AsyncSession],
    runtime: Runtime,
    *,
    clock: Clock = utcnow,
    limit: int = 200,
) -> int:
    """Evaluate due triggers until none is left (or ``limit`` were tried); returns how many.
    Safe to run in several processes at once."""
    tried = 0
    while tried < limit and await dispatch_next(factory, runtime, clock()):
        tried += 1
    return tried


KEEP_DONE = timedelta(days=30)


async def delete_old_triggers(session: AsyncSession, now: datetime) -> int:
    """Housekeeping: forget evaluated triggers (and their sent-log) after 30 days. Safe on
    SQLite although it may hand out their ids again: the sent-log rows go with them."""
    result = await session.execute(
        delete(NotificationTrigger).where(
            NotificationTrigger.status == DONE, NotificationTrigger.created_at < now - KEEP_DONE
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)
