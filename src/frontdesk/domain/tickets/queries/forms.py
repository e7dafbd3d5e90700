"""The choices the ticket forms and list filters offer."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from frontdesk.core.actor import Actor
from frontdesk.domain.accounts.models import (
    Agent,
    AgentGroupPermission,
    AgentRole,
    Group,
    RoleGroupPermission,
)
from frontdesk.domain.ticket_catalogue.models import (
    Priority,
    Queue,
    Service,
    Sla,
    SlaService,
    TicketState,
    TicketType,
)
from frontdesk.domain.ticket_catalogue.schemas import DIALOG_MESSAGE_KEY
from frontdesk.domain.tickets.models import Ticket
from frontdesk.domain.tickets.queries.output import service_full_names
from frontdesk.domain.tickets.schemas import MAX_ID, NamedOption, SlaChoice, TicketFormOptions


async def _options(session: AsyncSession, query: Select[int, str]) -> list[NamedOption]:
    return [NamedOption(id=r[0], name=r[1]) for r in await session.execute(query)]


async def agents_with_permission(
    session: AsyncSession, group_id: int, permission: str
) -> list[NamedOption]:
    """Valid agents holding ``permission`` (directly, through a role, or as rw) in the group."""
    granted = (permission, "rw")
    direct = select(AgentGroupPermission.agent_id).where(
        AgentGroupPermission.group_id == group_id, AgentGroupPermission.permission.in_(granted)
    )
    via_roles = (
        select(AgentRole.agent_id)
        .join(RoleGroupPermission, RoleGroupPermission.role_id == AgentRole.role_id)
        .where(
            RoleGroupPermission.group_id == group_id, RoleGroupPermission.permission.in_(granted)
        )
    )
    group_valid = await session.scalar(select(Group.valid).where(Group.id == group_id))
    if not group_valid:
        return []
    rows = await session.execute(
        select(Agent.id, Agent.login, Agent.first_name, Agent.last_name)
        .where(Agent.valid.is_(True), or_(Agent.id.in_(direct), Agent.id.in_(via_roles)))
        .order_by(Agent.first_name, Agent.last_name, Agent.login)
    )
    return [
        NamedOption(id=r.id, name=f"{r.first_name} {r.last_name}".strip() or r.login) for r in rows
    ]


async def creatable_queues(session: AsyncSession, actor: Actor) -> list[NamedOption]:
    """The valid queues the actor may create tickets in (agents: create; customers: rw)."""
    permission = "rw" if actor.is_customer else "create"
    return await _options(
        session,
        select(Queue.id, Queue.name)
        .where(Queue.valid.is_(True), Queue.group_id.in_(actor.groups_with(permission)))
        .order_by(Queue.name),
    )


async def ticket_list_choices(session: AsyncSession) -> tuple[list[str], list[NamedOption]]:
    """The state names and priorities a ticket list's filter form offers."""
    states = list(
        await session.scalars(
            select(TicketState.name)
            .where(
                TicketState.valid.is_(True),
                TicketState.state_type.not_in(("merged", "removed")),
            )
            .order_by(TicketState.id)
        )
    )
    priorities = await _options(
        session,
        select(Priority.id, Priority.name).where(Priority.valid.is_(True)).order_by(Priority.name),
    )
    return states, priorities


async def ticket_form_options(
    session: AsyncSession, actor: Actor, ticket: Ticket | None
) -> TicketFormOptions:
    """The choices of the ticket forms (create, move, change) for this actor."""
    queues = select(Queue.id, Queue.name).where(Queue.valid.is_(True)).order_by(Queue.name)
    queues_create = await creatable_queues(session, actor)
    queues_move = (
        []
        if actor.is_customer
        else await _options(
            session, queues.where(Queue.group_id.in_(actor.groups_with("move_into")))
        )
    )
    states = await _options(
        session,
        select(TicketState.id, TicketState.name)
        .where(TicketState.valid.is_(True), TicketState.state_type.not_in(("merged", "removed")))
        .order_by(TicketState.id),
    )
    priorities = await _options(
        session,
        select(Priority.id, Priority.name).where(Priority.valid.is_(True)).order_by(Priority.name),
    )
    types = await _options(
        session,
        select(TicketType.id, TicketType.name)
        .where(TicketType.valid.is_(True))
        .order_by(TicketType.name),
    )
    valid_services = set(await session.scalars(select(Service.id).where(Service.valid.is_(True))))
    service_names = await service_full_names(session)
    services = sorted(
        (NamedOption(id=i, name=n) for i, n in service_names.items() if i in valid_services),
        key=lambda option: option.name,
    )
    slas = await _options(
        session, select(Sla.id, Sla.name).where(Sla.valid.is_(True)).order_by(Sla.name)
    )
    owners: list[NamedOption] = []
    if ticket is not None and actor.is_agent:
        group_id = await session.scalar(select(Queue.group_id).where(Queue.id == ticket.queue_id))
        if group_id is not None:
            owners = await agents_with_permission(session, group_id, "owner")
    return TicketFormOptions(
        queues_create=queues_create,
        queues_move=queues_move,
        states=states,
        priorities=priorities,
        types=types,
        services=services,
        slas=slas,
        owners=owners,
    )


async def customer_sla_choices(session: AsyncSession, service_id: int | None) -> list[SlaChoice]:
    """The SLAs of the customer's new-ticket form: every valid SLA, or those of the chosen
    service; each with the dialog message to confirm when the customer picks it (spec §9)."""
    query = select(Sla).where(Sla.valid.is_(True)).order_by(Sla.name)
    if service_id is not None:
        if not 1 <= service_id <= MAX_ID:
            return []
        query = query.where(
            Sla.id.in_(select(SlaService.sla_id).where(SlaService.service_id == service_id))
        )
    choices = []
    for sla in await session.scalars(query):
        message = (sla.preferences or {}).get(DIALOG_MESSAGE_KEY)
        choices.append(
            SlaChoice(
                id=sla.id,
                name=sla.name,
                dialog_message=message if isinstance(message, str) and message.strip() else None,
            )
        )
    return choices
