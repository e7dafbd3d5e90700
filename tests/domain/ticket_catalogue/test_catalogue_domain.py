"""The catalogue's domain functions as page engineers call them, and its read rules."""

from __future__ import annotations

import pytest

from frontdesk.core.actor import Actor
from frontdesk.core.errors import NotFound, PermissionDenied
from frontdesk.core.pagination import PageRequest
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import access, actions, queries
from frontdesk.domain.ticket_catalogue.events import CatalogueChanged
from frontdesk.domain.ticket_catalogue.schemas import (
    QueueCreate,
    ServiceCreate,
    SlaCreate,
    StateUpdate,
)
from frontdesk.web.state import WebState
from tests.conftest import RecordedEvents

ADMIN = Actor(
    kind="agent",
    id=1,
    login="admin",
    display_name="Admin",
    group_permissions={1: frozenset({"rw", "ro"}), 2: frozenset({"rw", "ro"})},
)
READER = Actor(
    kind="agent", id=7, login="ann", display_name="Ann", group_permissions={3: frozenset({"ro"})}
)
CUSTOMER = Actor(
    kind="customer",
    id=1,
    login="cora",
    display_name="Cora",
    group_permissions={1: frozenset({"rw", "ro"}), 3: frozenset({"ro"})},
)
VISITOR = Actor(kind="visitor", id=1, login="v", display_name="Visitor")


async def test_lookups_by_name_and_choice_lists(web: WebState) -> None:
    async with unit_of_work(web.session_factory) as session:
        new = await queries.state_by_name(session, "new")
        assert new is not None
        assert (new.id, new.name, new.state_type, new.valid) == (1, "new", "new", True)
        assert await queries.state_by_name(session, "New") is None
        normal = await queries.priority_by_name(session, "3 normal")
        assert normal is not None
        assert (normal.id, normal.name) == (3, "3 normal")
        assert await queries.priority_by_name(session, "9 panic") is None

        states = await queries.list_states(session, valid_only=True)
        assert [s.name for s in states] == [
            "closed successful",
            "closed unsuccessful",
            "merged",
            "new",
            "open",
            "pending auto close+",
            "pending auto close-",
            "pending reminder",
            "removed",
        ]
        assert [t.name for t in await queries.list_types(session)] == ["Unclassified"]
        assert [q.name for q in await queries.list_queues(session, group_ids={1})] == [
            "Junk",
            "Misc",
            "Postmaster",
            "Raw",
        ]
        assert await queries.list_queues(session, group_ids=set()) == []
        page = await queries.page_priorities(session, PageRequest(limit=2, offset=4))
        assert ([p.name for p in page.items], page.total) == (["5 very high"], 5)
        assert page.has_previous and not page.has_next


async def test_services_sorted_by_full_name_and_slas_by_service(
    web: WebState, events: RecordedEvents
) -> None:
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        zulu = await actions.do_create_service(tx, ADMIN, ServiceCreate(name="Zulu"))
        alpha = await actions.do_create_service(tx, ADMIN, ServiceCreate(name="alpha"))
        child = await actions.do_create_service(
            tx, ADMIN, ServiceCreate(name="Child", parent_id=zulu.id, valid=False)
        )
        gold = await actions.do_create_sla(
            tx, ADMIN, SlaCreate(name="Gold", service_ids=[child.id], solution_minutes=60)
        )
        await actions.do_create_sla(tx, ADMIN, SlaCreate(name="Bronze"))
    assert [e for e in events if isinstance(e, CatalogueChanged)] == [
        CatalogueChanged(entity="service", entity_id=zulu.id, op="created"),
        CatalogueChanged(entity="service", entity_id=alpha.id, op="created"),
        CatalogueChanged(entity="service", entity_id=child.id, op="created"),
        CatalogueChanged(entity="sla", entity_id=gold.id, op="created"),
        CatalogueChanged(entity="sla", entity_id=gold.id + 1, op="created"),
    ]
    async with unit_of_work(web.session_factory) as session:
        services = await queries.list_services(session)
        assert [(s.full_name, s.valid) for s in services] == [
            ("alpha", True),
            ("Zulu", True),
            ("Zulu::Child", False),
        ]
        valid = await queries.list_services(session, valid_only=True)
        assert [s.full_name for s in valid] == ["alpha", "Zulu"]
        for_child = await queries.list_slas(session, service_id=child.id)
        assert [(s.name, s.service_ids, s.solution_minutes) for s in for_child] == [
            ("Gold", [child.id], 60)
        ]
        assert [s.name for s in await queries.list_slas(session)] == ["Bronze", "Gold"]


async def test_read_scope_per_kind_of_actor(web: WebState) -> None:
    async with unit_of_work(web.session_factory) as session:
        admin_scope = await access.catalogue_read_scope(session, ADMIN)
        assert admin_scope == access.CatalogueReadScope(valid_only=False, queue_group_ids=None)
        reader_scope = await access.catalogue_read_scope(session, READER)
        assert reader_scope == access.CatalogueReadScope(
            valid_only=False, queue_group_ids=frozenset({3})
        )
        customer_scope = await access.catalogue_read_scope(session, CUSTOMER)
        assert customer_scope == access.CatalogueReadScope(
            valid_only=True, queue_group_ids=frozenset({1})
        )
        with pytest.raises(PermissionDenied):
            await access.catalogue_read_scope(session, VISITOR)
        with pytest.raises(NotFound):
            await access.access_queue_by_id(session, READER, 1)
        queue = await access.access_queue_by_id(session, CUSTOMER, 1)
        assert queue.name == "Postmaster"


async def test_refused_write_queues_no_event(web: WebState, events: RecordedEvents) -> None:
    events.clear()
    with pytest.raises(PermissionDenied):
        async with unit_of_work(web.session_factory) as session:
            tx = Tx(session=session, runtime=web.runtime)
            await actions.do_create_queue(tx, READER, QueueCreate(name="Mine", group_id=3))
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        updated = await actions.do_update_state(
            tx, ADMIN, 5, StateUpdate(comment="Remind me.", name="pending reminder")
        )
        assert (updated.name, updated.comment) == ("pending reminder", "Remind me.")
        assert await queries.queue_by_name(session, "Mine") is None
    assert list(events) == [CatalogueChanged(entity="state", entity_id=5, op="updated")]
