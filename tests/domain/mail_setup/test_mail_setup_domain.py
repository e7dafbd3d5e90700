"""The queue mail set-up as other features read it: a queue's mail profile, its templates and
automatic responses, and system addresses by e-mail; and the rules writes keep."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from frontdesk.core.actor import Actor
from frontdesk.core.errors import Conflict, PermissionDenied, ValidationFailed
from frontdesk.db.unit_of_work import unit_of_work
from frontdesk.domain.mail_setup import actions, queries
from frontdesk.domain.mail_setup.models import Salutation, Signature, SystemAddress
from frontdesk.domain.mail_setup.schemas import (
    AutoResponseCreate,
    AutoResponseUpdate,
    SnippetCreate,
    SnippetUpdate,
    SystemAddressCreate,
    SystemAddressUpdate,
    TemplateCreate,
)
from frontdesk.domain.runtime import Tx
from frontdesk.domain.ticket_catalogue import actions as catalogue_actions
from frontdesk.domain.ticket_catalogue.models import Queue
from frontdesk.domain.ticket_catalogue.schemas import QueueCreate, QueueUpdate
from frontdesk.web.state import WebState

MISC, RAW = 4, 2  # default queues
ADMIN = Actor(
    kind="agent",
    id=1,
    login="admin",
    display_name="Admin",
    group_permissions={1: frozenset({"rw", "ro"}), 2: frozenset({"rw", "ro"})},
)
READER = Actor(
    kind="agent", id=7, login="ann", display_name="Ann", group_permissions={1: frozenset({"rw"})}
)


async def test_queue_mail_profile_names_what_the_queue_writes_with(web: WebState) -> None:
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        address = await actions.do_create_system_address(
            tx,
            ADMIN,
            SystemAddressCreate(
                email="Support@Example.COM", display_name="ACME Support", queue_id=MISC
            ),
        )
        salutation = await actions.do_create_snippet(
            tx,
            ADMIN,
            Salutation,
            SnippetCreate(name="Formal", text="Dear <OTRS_CUSTOMER_UserFirstname>,"),
        )
        signature = await actions.do_create_snippet(
            tx, ADMIN, Signature, SnippetCreate(name="Team", text="-- \nACME Support")
        )
        queue = await catalogue_actions.do_create_queue(
            tx,
            ADMIN,
            QueueCreate(
                name="Sales",
                group_id=1,
                system_address_id=address.id,
                salutation_id=salutation.id,
                signature_id=signature.id,
                follow_up="reject",
            ),
        )
    assert address.email == "support@example.com"
    assert (queue.system_address_id, queue.salutation_id, queue.signature_id, queue.follow_up) == (
        address.id,
        salutation.id,
        signature.id,
        "reject",
    )
    async with unit_of_work(web.session_factory) as session:
        profile = await queries.queue_mail_profile(session, queue.id)
        assert profile == queries.QueueMailProfile(
            queue_id=queue.id,
            system_address_email="support@example.com",
            system_address_display_name="ACME Support",
            salutation="Dear <OTRS_CUSTOMER_UserFirstname>,",
            signature="-- \nACME Support",
            follow_up="reject",
        )
        # A queue that names nothing: follow-ups possible, nothing else.
        assert await queries.queue_mail_profile(session, RAW) == queries.QueueMailProfile(
            RAW, None, None, None, None, "possible"
        )
        found = await queries.system_address_by_email(session, " SUPPORT@example.com")
        assert found is not None and found.id == address.id
        assert await queries.system_address_by_email(session, "sales@example.com") is None

    # Entries made invalid drop out of the profile and the dispatch by recipient.
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        await actions.do_update_system_address(
            tx, ADMIN, address.id, SystemAddressUpdate(valid=False)
        )
        await actions.do_update_snippet(
            tx, ADMIN, Signature, signature.id, SnippetUpdate(valid=False)
        )
    async with unit_of_work(web.session_factory) as session:
        profile = await queries.queue_mail_profile(session, queue.id)
        assert (profile.system_address_email, profile.salutation, profile.signature) == (
            None,
            "Dear <OTRS_CUSTOMER_UserFirstname>,",
            None,
        )
        assert await queries.system_address_by_email(session, "support@example.com") is None


async def test_templates_and_auto_responses_per_queue(web: WebState) -> None:
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        address = await actions.do_create_system_address(
            tx,
            ADMIN,
            SystemAddressCreate(email="misc@example.com", display_name="Misc", queue_id=MISC),
        )
        thanks = await actions.do_create_template(
            tx,
            ADMIN,
            TemplateCreate(name="Thanks", text="Thank you.", queue_ids=[MISC, RAW, MISC]),
        )
        await actions.do_create_template(
            tx, ADMIN, TemplateCreate(name="another answer", text="…", queue_ids=[MISC])
        )
        await actions.do_create_template(
            tx, ADMIN, TemplateCreate(name="Old", text="…", queue_ids=[MISC], valid=False)
        )
        await actions.do_create_template(
            tx, ADMIN, TemplateCreate(name="Fwd", type="forward", text="FYI", queue_ids=[MISC])
        )
        received = await actions.do_create_auto_response(
            tx,
            ADMIN,
            AutoResponseCreate(
                name="Received",
                type="reply_new_ticket",
                subject="We got your mail",
                text="Hello",
                system_address_id=address.id,
                queue_ids=[MISC],
            ),
        )
        await actions.do_create_auto_response(
            tx,
            ADMIN,
            AutoResponseCreate(
                name="Rejected",
                type="reply_reject",
                subject="Closed",
                text="No",
                system_address_id=address.id,
                queue_ids=[MISC],
                valid=False,
            ),
        )
    assert thanks.queue_ids == [RAW, MISC]
    async with unit_of_work(web.session_factory) as session:
        answers = await queries.templates_for_queue(session, MISC, "answer")
        assert [t.name for t in answers] == ["another answer", "Thanks"]
        assert [t.name for t in await queries.templates_for_queue(session, RAW, "answer")] == [
            "Thanks"
        ]
        assert [t.name for t in await queries.templates_for_queue(session, MISC, "forward")] == [
            "Fwd"
        ]
        response = await queries.auto_response_for(session, MISC, "reply_new_ticket")
        assert response is not None and (response.id, response.subject) == (
            received.id,
            "We got your mail",
        )
        assert await queries.auto_response_for(session, RAW, "reply_new_ticket") is None
        # Invalid responses are not sent.
        assert await queries.auto_response_for(session, MISC, "reply_reject") is None

    # A queue sends one response per type: a second one for Misc is refused, nothing changes.
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        with pytest.raises(Conflict) as refused:
            await actions.do_create_auto_response(
                tx,
                ADMIN,
                AutoResponseCreate(
                    name="Received too",
                    type="reply_new_ticket",
                    subject="Again",
                    text="Hello",
                    system_address_id=address.id,
                    queue_ids=[RAW, MISC],
                ),
            )
        assert refused.value.code == "queue_has_auto_response"
        # Changing the type of one into a type the queue already sends is refused the same way.
        rejected = (await queries.auto_responses_for_actor(session, ADMIN, _page())).items[1]
        with pytest.raises(Conflict):
            await actions.do_update_auto_response(
                tx, ADMIN, rejected.id, AutoResponseUpdate(type="reply_new_ticket")
            )
    async with unit_of_work(web.session_factory) as session:
        listed = await queries.auto_responses_for_actor(session, ADMIN, _page())
        assert [(r.name, r.type, r.queue_ids) for r in listed.items] == [
            ("Received", "reply_new_ticket", [MISC]),
            ("Rejected", "reply_reject", [MISC]),
        ]


def _page() -> queries.PageRequest:
    return queries.PageRequest.build(None, None)


async def test_in_use_entries_and_unknown_references(web: WebState) -> None:
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        address = await actions.do_create_system_address(
            tx, ADMIN, SystemAddressCreate(email="a@example.com", display_name="A", queue_id=MISC)
        )
        salutation = await actions.do_create_snippet(
            tx, ADMIN, Salutation, SnippetCreate(name="Hi", text="Hi")
        )
        await catalogue_actions.do_update_queue(
            tx, ADMIN, MISC, QueueUpdate(system_address_id=address.id, salutation_id=salutation.id)
        )
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        with pytest.raises(Conflict) as in_use:
            await actions.do_delete_system_address(tx, ADMIN, address.id)
        assert (in_use.value.code, in_use.value.message) == (
            "in_use",
            "The queue 'Misc' uses this entry; give it another one first.",
        )
        with pytest.raises(Conflict):
            await actions.do_delete_snippet(tx, ADMIN, Salutation, salutation.id)
        with pytest.raises(ValidationFailed) as unknown:
            await catalogue_actions.do_update_queue(tx, ADMIN, MISC, QueueUpdate(signature_id=999))
        assert unknown.value.field == "signature_id"
        with pytest.raises(ValidationFailed) as unknown:
            await actions.do_create_template(
                tx, ADMIN, TemplateCreate(name="X", queue_ids=[MISC, 999])
            )
        assert unknown.value.field == "queue_ids"
        with pytest.raises(PermissionDenied):
            await actions.do_create_snippet(tx, READER, Signature, SnippetCreate(name="S", text=""))
    # A queue that a system address dispatches to cannot be deleted either.
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        await catalogue_actions.do_update_queue(
            tx, ADMIN, MISC, QueueUpdate(system_address_id=None, salutation_id=None)
        )
    with pytest.raises(Conflict):
        async with unit_of_work(web.session_factory) as session:
            tx = Tx(session=session, runtime=web.runtime)
            await catalogue_actions.do_delete_queue(tx, ADMIN, MISC)
    async with unit_of_work(web.session_factory) as session:
        tx = Tx(session=session, runtime=web.runtime)
        await actions.do_delete_system_address(tx, ADMIN, address.id)
        await actions.do_delete_snippet(tx, ADMIN, Salutation, salutation.id)
    async with unit_of_work(web.session_factory) as session:
        assert (await session.scalars(select(SystemAddress))).all() == []
        queue = await session.get(Queue, MISC)
        assert queue is not None and queue.follow_up == "possible"
