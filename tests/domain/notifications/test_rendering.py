"""Notification texts: OTRS tags by plain substitution, never a template."""

from __future__ import annotations

from frontdesk.domain.notifications.rendering import message_for, render_text

VALUES = {
    "TICKET_TICKETNUMBER": "2026120710000001",
    "TICKET_TITLE": "{{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>",
    "CUSTOMER_BODY": "one\ntwo\nthree",
    "CUSTOMER_SUBJECT": "A rather long subject line",
}


def test_tags_are_replaced_and_user_text_is_inserted_as_it_is() -> None:
    text = "[<OTRS_TICKET_TicketNumber>] <OTRS_TICKET_Title> <OTRS_ticket_title>"
    assert render_text(text, VALUES) == (
        "[2026120710000001] {{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>"
        " {{ 7*7 }} <b>x</b> <OTRS_TICKET_TicketNumber>"
    )


def test_limits_cut_bodies_by_lines_and_other_tags_by_characters() -> None:
    assert render_text("<OTRS_CUSTOMER_Body[2]>", VALUES) == "one\ntwo"
    assert render_text("<OTRS_CUSTOMER_SUBJECT[8]>", VALUES) == "A rather[...]"
    assert render_text("<OTRS_CUSTOMER_SUBJECT[80]>", VALUES) == "A rather long subject line"


def test_unknown_tags_become_a_dash() -> None:
    assert render_text("<OTRS_NOPE> and <OTRS_TICKET_Nope[3]>", VALUES) == "- and -"


def test_the_recipients_language_then_english_then_the_first() -> None:
    messages = {
        "de": {"subject": "Hallo", "body": ""},
        "en": {"subject": "Hello", "body": ""},
    }
    assert message_for(messages, "de")["subject"] == "Hallo"
    assert message_for(messages, "de_AT")["subject"] == "Hallo"
    assert message_for(messages, "fr")["subject"] == "Hello"
    assert message_for({"pt_BR": {"subject": "Olá", "body": ""}}, "fr")["subject"] == "Olá"
