"""Notification texts: OTRS tags by plain substitution (mail_setup's renderer), never a
template."""

from __future__ import annotations

from frontdesk.domain.mail_setup.placeholders import PlaceholderContext, render_placeholders
from frontdesk.domain.notifications.rendering import for_recipient, message_for

# What a notification's context holds: the event's article unquoted.
CONTEXT = PlaceholderContext(
    ticket={
        "TicketNumber": "2026120710000001",
        "Title": "{{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>",
    },
    customer_body="one\ntwo\nthree",
    customer_subject="A rather long subject line",
    quote_customer_body=False,
    agent_subject="Agent's subject",
    agent_body="first\nsecond",
)


def render_text(text: str, context: PlaceholderContext = CONTEXT) -> str:
    return render_placeholders(text, context)


def test_tags_are_replaced_and_user_text_is_inserted_as_it_is() -> None:
    text = "[<OTRS_TICKET_TicketNumber>] <OTRS_TICKET_Title> <OTRS_ticket_title>"
    assert render_text(text) == (
        "[2026120710000001] {{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>"
        " {{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>"
    )


def test_limits_cut_bodies_by_lines_and_other_tags_by_characters() -> None:
    assert render_text("<OTRS_CUSTOMER_Body[2]>") == "one\ntwo"
    assert render_text("<OTRS_CUSTOMER_SUBJECT[8]>") == "A rather[...]"
    assert render_text("<OTRS_CUSTOMER_SUBJECT[80]>") == "A rather long subject line"


def test_agent_article_and_recipient_tags() -> None:
    assert render_text("<OTRS_AGENT_SUBJECT> / <OTRS_AGENT_Body[1]>") == "Agent's subject / first"
    named = for_recipient(CONTEXT, "Olga", "Agent")
    assert (
        render_text(
            "Hi <OTRS_NOTIFICATION_RECIPIENT_UserFirstname>"
            " (<OTRS_NOTIFICATION_RECIPIENT_UserFullname>)",
            named,
        )
        == "Hi Olga (Olga Agent)"
    )


def test_unknown_tags_become_a_dash() -> None:
    assert render_text("<OTRS_NOPE> and <OTRS_TICKET_Nope[3]>") == "- and -"


def test_the_recipients_language_then_english_then_the_first() -> None:
    messages = {
        "de": {"subject": "Hallo", "body": ""},
        "en": {"subject": "Hello", "body": ""},
    }
    assert message_for(messages, "de")["subject"] == "Hallo"
    assert message_for(messages, "de_AT")["subject"] == "Hallo"
    assert message_for(messages, "fr")["subject"] == "Hello"
    assert message_for({"pt_BR": {"subject": "Olá", "body": ""}}, "fr")["subject"] == "Olá"
