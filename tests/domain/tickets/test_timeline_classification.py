"""The timeline's classification of every history type, its filter parsing and the archive's
member names: pure functions, no database."""

from __future__ import annotations

import pytest

from frontdesk.domain.tickets.actions import article_history_type
from frontdesk.domain.tickets.attachment_overview import archive_member_names, file_kind
from frontdesk.domain.tickets.models import CHANNELS, SENDER_TYPES
from frontdesk.domain.tickets.settings import TIMELINE_FILTER_DEFAULT
from frontdesk.domain.tickets.timeline import (
    EVENT_TYPES,
    HIDDEN_HISTORY_TYPES,
    SYSTEM_MESSAGES,
    ArticleFacts,
    Classified,
    classify,
    parse_event_types,
)

CUSTOMER_VISIBLE = ArticleFacts(sender_type="customer", visible_for_customer=True)
AGENT_VISIBLE = ArticleFacts(sender_type="agent", visible_for_customer=True)
AGENT_INTERNAL = ArticleFacts(sender_type="agent", visible_for_customer=False)
SYSTEM_VISIBLE = ArticleFacts(sender_type="system", visible_for_customer=True)
SYSTEM_INTERNAL = ArticleFacts(sender_type="system", visible_for_customer=False)

# (history type, article) → (event type, label, class); side follows from the class.
CASES: list[tuple[str, ArticleFacts | None, tuple[str, str, str]]] = [
    ("EmailCustomer", CUSTOMER_VISIBLE, ("EmailCustomer", "Incoming Customer Email", "incoming")),
    (
        "PhoneCallCustomer",
        CUSTOMER_VISIBLE,
        ("PhoneCallCustomer", "Incoming Phone Call", "incoming"),
    ),
    ("FollowUp", CUSTOMER_VISIBLE, ("FollowUp", "Incoming Follow-Up", "incoming")),
    (
        "WebRequestCustomer",
        CUSTOMER_VISIBLE,
        ("WebRequestCustomer", "Incoming Web Request", "incoming"),
    ),
    ("AddNote", CUSTOMER_VISIBLE, ("AddNoteCustomer", "Note Added (Customer)", "incoming")),
    ("SMSCustomer", CUSTOMER_VISIBLE, ("AddSMSCustomer", "SMS Added (Customer)", "incoming")),
    ("AddSMS", CUSTOMER_VISIBLE, ("AddSMSCustomer", "SMS Added (Customer)", "incoming")),
    ("ChatCustomer", CUSTOMER_VISIBLE, ("ChatExternal", "External Chat", "incoming")),
    ("ChatAgent", AGENT_VISIBLE, ("ChatExternal", "External Chat", "incoming")),
    ("ChatExternal", AGENT_VISIBLE, ("ChatExternal", "External Chat", "incoming")),
    ("NewTicket", None, ("NewTicket", "Ticket Created", "action")),
    ("ServiceUpdate", None, ("ServiceUpdate", "Service Updated", "action")),
    ("SLAUpdate", None, ("SLAUpdate", "SLA Updated", "action")),
    ("StateUpdate", None, ("StateUpdate", "State Updated", "action")),
    ("SetPendingTime", None, ("SetPendingTime", "Pending Time Set", "action")),
    ("Lock", None, ("Lock", "Ticket Locked", "action")),
    ("Unlock", None, ("Unlock", "Ticket Unlocked", "action")),
    ("ResponsibleUpdate", None, ("ResponsibleUpdate", "New Responsible", "action")),
    ("OwnerUpdate", None, ("OwnerUpdate", "New Owner", "action")),
    ("CustomerUpdate", None, ("CustomerUpdate", "Customer Updated", "action")),
    ("TicketLinkAdd", None, ("TicketLinkAdd", "Link Added", "action")),
    ("TicketLinkDelete", None, ("TicketLinkDelete", "Link Deleted", "action")),
    (
        "TicketDynamicFieldUpdate",
        None,
        ("TicketDynamicFieldUpdate", "Dynamic Field Updated", "action"),
    ),
    ("Move", None, ("Move", "Queue Changed", "action")),
    ("Merged", None, ("Merged", "Ticket Merged", "action")),
    ("PriorityUpdate", None, ("PriorityUpdate", "Priority Updated", "action")),
    ("TitleUpdate", None, ("TitleUpdate", "Title Updated", "action")),
    ("TypeUpdate", None, ("TypeUpdate", "Type Updated", "action")),
    (
        "EscalationResponseTimeStart",
        None,
        ("EscalationResponseTimeStart", "Escalation Response Time In Effect", "action"),
    ),
    (
        "EscalationResponseTimeStop",
        None,
        ("EscalationResponseTimeStop", "Escalation Response Time Stopped", "action"),
    ),
    (
        "EscalationResponseTimeNotifyBefore",
        None,
        ("EscalationResponseTimeNotifyBefore", "Escalation Response Time Forewarned", "action"),
    ),
    (
        "EscalationUpdateTimeStart",
        None,
        ("EscalationUpdateTimeStart", "Escalation Update Time In Effect", "action"),
    ),
    (
        "EscalationUpdateTimeStop",
        None,
        ("EscalationUpdateTimeStop", "Escalation Update Time Stopped", "action"),
    ),
    (
        "EscalationUpdateTimeNotifyBefore",
        None,
        ("EscalationUpdateTimeNotifyBefore", "Escalation Update Time Forewarned", "action"),
    ),
    (
        "EscalationSolutionTimeStart",
        None,
        ("EscalationSolutionTimeStart", "Escalation Solution Time In Effect", "action"),
    ),
    (
        "EscalationSolutionTimeStop",
        None,
        ("EscalationSolutionTimeStop", "Escalation Solution Time Stopped", "action"),
    ),
    (
        "EscalationSolutionTimeNotifyBefore",
        None,
        ("EscalationSolutionTimeNotifyBefore", "Escalation Solution Time Forewarned", "action"),
    ),
    ("TimeAccounting", None, ("TimeAccounting", "Time Accounted", "action")),
    ("SMSAgent", AGENT_VISIBLE, ("AddSMS", "SMS Added", "outgoing")),
    ("AddSMS", AGENT_VISIBLE, ("AddSMS", "SMS Added", "outgoing")),
    ("Forward", AGENT_VISIBLE, ("Forward", "Forwarded Message", "outgoing")),
    ("EmailAgent", AGENT_VISIBLE, ("EmailAgent", "Outgoing Email", "outgoing")),
    ("PhoneCallAgent", AGENT_VISIBLE, ("PhoneCallAgent", "Outgoing Phone Call", "outgoing")),
    ("Bounce", AGENT_VISIBLE, ("Bounce", "Bounced Message", "outgoing")),
    ("SendAnswer", AGENT_VISIBLE, ("SendAnswer", "Outgoing Answer", "outgoing")),
    ("AddNote", AGENT_INTERNAL, ("AddNote", "Note Added", "internal")),
    ("AddNote", AGENT_VISIBLE, ("AddNote", "Note Added", "internal")),
    ("ChatAgent", AGENT_INTERNAL, ("ChatInternal", "Internal Chat", "internal")),
    ("ChatInternal", AGENT_INTERNAL, ("ChatInternal", "Internal Chat", "internal")),
    (
        "EmailAgent",
        AGENT_INTERNAL,
        ("EmailAgentInternal", "Outgoing Email (internal)", "internal"),
    ),
    ("Forward", AGENT_INTERNAL, ("Forward", "Forwarded Message", "internal")),
    ("SendAutoFollowUp", None, ("SendAutoFollowUp", "Automatic Follow-Up Sent", "automatic")),
    ("SendAutoReply", None, ("SendAutoReply", "Automatic Reply Sent", "automatic")),
    # A message the system wrote on the ticket; a SystemRequest without article stays hidden.
    ("SystemRequest", SYSTEM_VISIBLE, ("SystemRequest", "System Message", "automatic")),
    ("SystemRequest", SYSTEM_INTERNAL, ("SystemRequest", "System Message", "automatic")),
    # The mail a customer notification sent, kept on the ticket.
    (
        "SendCustomerNotification",
        SYSTEM_VISIBLE,
        ("SendCustomerNotification", "Customer Notification Sent", "automatic"),
    ),
    # Chat and SMS entries whose article is gone (or never was) keep their channel's type.
    ("ChatCustomer", None, ("ChatExternal", "External Chat", "incoming")),
    ("ChatAgent", None, ("ChatExternal", "External Chat", "incoming")),
    ("ChatExternal", None, ("ChatExternal", "External Chat", "incoming")),
    ("ChatInternal", None, ("ChatInternal", "Internal Chat", "internal")),
    ("SMSCustomer", None, ("AddSMSCustomer", "SMS Added (Customer)", "incoming")),
    ("SMSAgent", None, ("AddSMS", "SMS Added", "outgoing")),
    ("AddSMS", None, ("AddSMS", "SMS Added", "outgoing")),
    # The timeline's own names, should an import write them as history types.
    ("AddNoteCustomer", None, ("AddNoteCustomer", "Note Added (Customer)", "incoming")),
    ("AddSMSCustomer", None, ("AddSMSCustomer", "SMS Added (Customer)", "incoming")),
    (
        "EmailAgentInternal",
        None,
        ("EmailAgentInternal", "Outgoing Email (internal)", "internal"),
    ),
    # Not known to anyone yet: shown as a ticket action under its own name.
    ("SomethingNew", None, ("SomethingNew", "SomethingNew", "action")),
]


@pytest.mark.parametrize(("history_type", "article", "expected"), CASES)
def test_every_history_type_is_classified(
    history_type: str, article: ArticleFacts | None, expected: tuple[str, str, str]
) -> None:
    kind, label, category = expected
    assert classify(history_type, article) == Classified(kind, label, category)  # type: ignore[arg-type]


def test_every_filterable_event_type_has_a_case_and_a_setting_option() -> None:
    covered = {expected[0] for _, _, expected in CASES}
    assert set(EVENT_TYPES) - covered == set()
    assert set(EVENT_TYPES) == set(TIMELINE_FILTER_DEFAULT.options)
    assert len(TIMELINE_FILTER_DEFAULT.options) == len(EVENT_TYPES)


# Every history type this installation writes or the timeline knows by name.
WRITTEN_ARTICLE_TYPES = {
    article_history_type(channel, sender, customer_web=web)
    for channel in CHANNELS
    for sender in SENDER_TYPES
    for web in (False, True)
}
KNOWN_HISTORY_TYPES = (
    set(EVENT_TYPES)
    | set(HIDDEN_HISTORY_TYPES)
    | WRITTEN_ARTICLE_TYPES
    | {"ChatCustomer", "ChatAgent", "SMSCustomer", "SMSAgent"}
)


def test_every_known_history_type_has_a_case() -> None:
    with_case = {history_type for history_type, _, _ in CASES}
    assert KNOWN_HISTORY_TYPES - with_case - set(HIDDEN_HISTORY_TYPES) == set()
    # Every type written for an article is one the timeline names, none falls to "unknown".
    for history_type in WRITTEN_ARTICLE_TYPES:
        for article in (CUSTOMER_VISIBLE, AGENT_VISIBLE, AGENT_INTERNAL, SYSTEM_VISIBLE):
            classified = classify(history_type, article)
            assert classified is None or classified.kind in EVENT_TYPES, history_type


@pytest.mark.parametrize("history_type", sorted(HIDDEN_HISTORY_TYPES - SYSTEM_MESSAGES))
def test_hidden_types_are_never_shown(history_type: str) -> None:
    assert classify(history_type, AGENT_VISIBLE) is None
    assert classify(history_type, SYSTEM_VISIBLE) is None
    assert classify(history_type, None) is None


def test_a_system_request_is_shown_only_with_its_article() -> None:
    assert classify("SystemRequest", None) is None
    shown = classify("SystemRequest", SYSTEM_VISIBLE)
    assert shown is not None
    assert shown.carries_article
    assert not Classified("SendAutoReply", "Automatic Reply Sent", "automatic").carries_article
    assert classify("SendCustomerNotification", None) is None
    notified = classify("SendCustomerNotification", SYSTEM_VISIBLE)
    assert notified is not None
    assert notified.carries_article


def test_hidden_types_are_the_ones_of_the_spec() -> None:
    assert {
        "Misc",
        "ArchiveFlagUpdate",
        "LoopProtection",
        "Remove",
        "Subscribe",
        "Unsubscribe",
        "SystemRequest",
        "SendAgentNotification",
        "SendCustomerNotification",
        "SendAutoReject",
    } == HIDDEN_HISTORY_TYPES


def test_filter_values_split_into_known_and_ignored() -> None:
    known, ignored = parse_event_types(["StateUpdate,EmailCustomer", " Bogus ", "StateUpdate", ""])
    assert known == ["StateUpdate", "EmailCustomer"]
    assert ignored == ["Bogus"]
    known, ignored = parse_event_types(["x" * 500] + [f"U{i}" for i in range(40)])
    assert known == []
    assert ignored[0] == "x" * 50
    assert len(ignored) == 20


def test_archive_names_count_duplicates_before_the_extension() -> None:
    names = ["report.pdf", "report.pdf", "README", "README", "report.pdf", "report-1.pdf"]
    assert archive_member_names(names) == [
        "report.pdf",
        "report-1.pdf",
        "README",
        "README-1",
        "report-2.pdf",
        "report-1-1.pdf",
    ]
    assert archive_member_names(["../../etc/passwd", "a\\b.txt"]) == ["passwd", "b.txt"]
    assert archive_member_names(["Photo.JPG", "photo.jpg"]) == ["Photo.JPG", "photo-1.jpg"]


@pytest.mark.parametrize(
    ("content_type", "kind"),
    [
        ("image/png", "image"),
        ("application/pdf", "pdf"),
        ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "word"),
        ("application/msword", "word"),
        ("application/vnd.ms-excel", "excel"),
        ("text/csv", "excel"),
        ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "powerpoint"),
        ("audio/mpeg", "audio"),
        ("video/mp4", "video"),
        ("application/zip", "archive"),
        ("application/gzip", "archive"),
        ("text/plain", "text"),
        ("application/octet-stream", "generic"),
    ],
)
def test_file_kind_by_mime_type(content_type: str, kind: str) -> None:
    assert file_kind(content_type) == kind
