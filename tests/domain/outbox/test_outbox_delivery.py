"""The outbox against a real SMTP relay (aiosmtpd), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from frontdesk.db.engine import create_engine, create_session_factory
from frontdesk.domain.outbox.actions import enqueue_email
from frontdesk.domain.outbox.delivery import claim_next, deliver_due, deliver_one
from frontdesk.domain.outbox.jobs import deliver_when_queued, sweep_body
from frontdesk.jobs.scheduler import JobScheduler
from frontdesk.web.state import WebState
from tests.domain.outbox.mail import SENDER, items, queue_mail, raw_mail, use_relay
from tests.domain.outbox.relay import Received, RecordingHandler, password_check, smtp_relay
from tests.domain.tickets.people import transaction

T0 = datetime(2030, 1, 7, 9, 0, tzinfo=UTC)


def at(moment: datetime):  # type: ignore[no-untyped-def]
    return lambda: moment


async def test_mail_arrives_byte_for_byte_with_its_envelope(web: WebState) -> None:
    with smtp_relay() as relay:
        await use_relay(web, relay.port)
        item_id = await queue_mail(
            web, 1, recipients=["cora@example.com", "hidden-bcc@example.com"]
        )
        tried = await deliver_due(web.session_factory, web.runtime, "w1")

    assert tried == 1
    assert relay.received == [
        Received(
            sender=SENDER,
            recipients=["cora@example.com", "hidden-bcc@example.com"],
            data=raw_mail(1),
        )
    ]
    (item,) = await items(web)
    assert (item.id, item.status, item.attempts, item.last_error) == (item_id, "sent", 1, None)
    assert item.message_id == "<1.outbox@frontdesk.test>"
    assert item.sent_at is not None
    assert (item.claimed_by, item.claim_expires_at) == (None, None)


async def test_a_rolled_back_transaction_queues_and_sends_nothing(web: WebState) -> None:
    with smtp_relay() as relay:
        await use_relay(web, relay.port)
        with pytest.raises(RuntimeError):
            async with transaction(web) as tx:
                await enqueue_email(tx, raw_mail(2), sender=SENDER, recipients=["a@example.com"])
                raise RuntimeError("the change failed")
        tried = await deliver_due(web.session_factory, web.runtime, "w1")

    assert (tried, relay.received, await items(web)) == (0, [], [])


async def test_bcc_in_the_headers_and_a_missing_message_id_are_refused(web: WebState) -> None:
    with_bcc = raw_mail(3).replace(b"MIME-Version", b"Bcc: x@example.com\r\nMIME-Version")
    without_id = raw_mail(3).replace(b"Message-ID: <3.outbox@frontdesk.test>\r\n", b"")
    for raw in (with_bcc, without_id):
        with pytest.raises(ValueError):
            async with transaction(web) as tx:
                await enqueue_email(tx, raw, sender=SENDER, recipients=["a@example.com"])
    assert await items(web) == []


async def test_a_refused_mail_is_retried_with_back_off_and_keeps_its_message_id(
    web: WebState,
) -> None:
    handler = RecordingHandler(refusals=["451 4.3.0 Mailbox busy"])
    with smtp_relay(handler) as relay:
        await use_relay(web, relay.port, **{"Outbox::RetryDelaySeconds": 60})
        await queue_mail(web, 4)
        factory, runtime = web.session_factory, web.runtime

        assert await deliver_due(factory, runtime, "w1", clock=at(T0)) == 1
        (item,) = await items(web)
        assert (item.status, item.attempts) == ("queued", 1)
        assert item.last_error == "SMTP 451 4.3.0 Mailbox busy"
        assert item.next_attempt_at == T0 + timedelta(seconds=60)

        # Not due before the back-off has passed.
        assert await deliver_due(factory, runtime, "w1", clock=at(T0 + timedelta(seconds=59))) == 0
        assert await deliver_due(factory, runtime, "w1", clock=at(T0 + timedelta(seconds=60))) == 1

    (item,) = await items(web)
    assert (item.status, item.attempts, item.last_error) == ("sent", 2, None)
    assert [r.data for r in relay.received] == [raw_mail(4)]
    assert b"Message-ID: <4.outbox@frontdesk.test>\r\n" in relay.received[0].data


async def test_back_off_doubles_and_the_mail_is_given_up_after_max_attempts(
    web: WebState,
) -> None:
    handler = RecordingHandler(refusals=["451 4.3.0 Try later"] * 3)
    with smtp_relay(handler) as relay:
        await use_relay(
            web, relay.port, **{"Outbox::MaxAttempts": 3, "Outbox::RetryDelaySeconds": 10}
        )
        await queue_mail(web, 5)
        factory, runtime = web.session_factory, web.runtime
        moments = [T0, T0 + timedelta(seconds=10), T0 + timedelta(seconds=30)]
        waits = []
        for moment in moments:
            assert await deliver_due(factory, runtime, "w1", clock=at(moment)) == 1
            (item,) = await items(web)
            waits.append((item.status, item.attempts, item.next_attempt_at - moment))
        assert await deliver_due(factory, runtime, "w1", clock=at(T0 + timedelta(days=1))) == 0

    assert waits == [
        ("queued", 1, timedelta(seconds=10)),
        ("queued", 2, timedelta(seconds=20)),
        ("failed", 3, timedelta(0)),  # unchanged: no further try is planned
    ]
    (item,) = await items(web)
    assert (item.status, item.last_error) == ("failed", "SMTP 451 4.3.0 Try later")
    assert relay.received == []


async def test_a_permanent_refusal_gives_up_at_once(web: WebState) -> None:
    handler = RecordingHandler(refusals=["554 5.7.1 Message rejected"])
    with smtp_relay(handler) as relay:
        await use_relay(web, relay.port)
        await queue_mail(web, 6)
        await deliver_due(web.session_factory, web.runtime, "w1")

    (item,) = await items(web)
    assert (item.status, item.attempts, item.last_error) == (
        "failed",
        1,
        "SMTP 554 5.7.1 Message rejected",
    )


async def test_an_unreachable_relay_is_a_temporary_failure_and_the_password_is_masked(
    web: WebState,
) -> None:
    with smtp_relay() as relay:
        port = relay.port  # stopped when the block ends: nothing listens there any more
    await use_relay(
        web,
        port,
        **{"SendmailModule::AuthUser": "frontdesk", "SendmailModule::AuthPassword": "s3cret"},
    )
    await queue_mail(web, 7)
    await deliver_due(web.session_factory, web.runtime, "w1", clock=at(T0))

    (item,) = await items(web)
    assert (item.status, item.attempts) == ("queued", 1)
    assert item.last_error is not None
    assert item.last_error.startswith("ConnectionRefusedError: ")
    assert "s3cret" not in item.last_error


async def test_an_expired_lease_is_taken_over_and_the_late_worker_records_nothing(
    web: WebState,
) -> None:
    with smtp_relay() as relay:
        await use_relay(web, relay.port)
        item_id = await queue_mail(web, 8)
        factory, runtime = web.session_factory, web.runtime

        first = await claim_next(factory, "w1", T0, lease_seconds=300)
        assert first is not None and (first.id, first.attempt) == (item_id, 1)
        assert await claim_next(factory, "w2", T0 + timedelta(seconds=299), 300) is None
        second = await claim_next(factory, "w2", T0 + timedelta(seconds=300), 300)
        assert second is not None and (second.id, second.attempt) == (item_id, 2)

        await deliver_one(factory, runtime, "w2", second, clock=at(T0 + timedelta(seconds=301)))
        # w1 wakes up late: at-least-once, so its copy goes out too, but the row stays w2's.
        await deliver_one(factory, runtime, "w1", first, clock=at(T0 + timedelta(seconds=302)))

    (item,) = await items(web)
    assert (item.status, item.attempts) == ("sent", 2)
    assert item.sent_at == T0 + timedelta(seconds=301)
    assert [r.data for r in relay.received] == [raw_mail(8), raw_mail(8)]


async def test_two_concurrent_workers_deliver_each_mail_once(web: WebState, db_url: str) -> None:
    with smtp_relay() as relay:
        await use_relay(web, relay.port)
        for number in range(100, 124):
            await queue_mail(web, number)
        engines = [create_engine(db_url), create_engine(db_url)]
        try:
            tried = await asyncio.gather(
                *(
                    deliver_due(create_session_factory(engine), web.runtime, f"w{n}")
                    for n, engine in enumerate(engines)
                )
            )
        finally:
            for engine in engines:
                await engine.dispose()

    assert sum(tried) == 24
    assert sorted(r.data for r in relay.received) == sorted(raw_mail(n) for n in range(100, 124))
    assert {(i.status, i.attempts) for i in await items(web)} == {("sent", 1)}


async def test_a_committed_mail_leaves_at_once_through_the_after_commit_nudge(
    web: WebState,
) -> None:
    """Only the nudge is registered (no periodic sweep): the mail still goes out."""
    scheduler = JobScheduler(web.session_factory, bus=web.runtime.bus)
    deliver_when_queued(scheduler, web.runtime, sweep_body(scheduler, web.runtime))
    await scheduler.start()
    try:
        with smtp_relay() as relay:
            await use_relay(web, relay.port)
            await queue_mail(web, 10)
            assert await asyncio.to_thread(relay.handler.accepted.wait, 30)
    finally:
        await scheduler.shutdown()

    assert [r.data for r in relay.received] == [raw_mail(10)]
    (item,) = await items(web)
    assert (item.status, item.attempts) == ("sent", 1)


async def test_the_relay_login_is_used_and_the_password_never_kept_in_an_error(
    web: WebState,
) -> None:
    handler = RecordingHandler(refusals=["451 4.3.0 quota of s3cret-pw exceeded"])
    logins: list[str] = []
    check = password_check("frontdesk", "s3cret-pw", logins)
    with smtp_relay(handler, authenticator=check) as relay:
        await use_relay(
            web,
            relay.port,
            **{
                "SendmailModule::AuthUser": "frontdesk",
                "SendmailModule::AuthPassword": "s3cret-pw",
            },
        )
        await queue_mail(web, 11)
        factory, runtime = web.session_factory, web.runtime
        await deliver_due(factory, runtime, "w1", clock=at(T0))
        (item,) = await items(web)
        assert (item.status, item.last_error) == ("queued", "SMTP 451 4.3.0 quota of *** exceeded")

        await deliver_due(factory, runtime, "w1", clock=at(T0 + timedelta(days=1)))

    assert [r.data for r in relay.received] == [raw_mail(11)]
    assert logins == ["frontdesk", "frontdesk"]
