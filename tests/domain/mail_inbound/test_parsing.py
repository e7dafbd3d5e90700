"""Parsing real-world mail: charsets, encoded words, HTML, nested parts, broken MIME."""

from __future__ import annotations

from frontdesk.domain.mail_inbound.parsing import parse_mail, sanitise_html
from tests.domain.mail_inbound.corpus import corpus_mail, mail_with_attachment, plain_mail


def test_encoded_words_decode_in_subject_and_from() -> None:
    mail = parse_mail(corpus_mail("encoded-subject.eml"))
    assert mail.subject == "Grüße – Bestellung"
    assert mail.from_display == "Jürgen Müller <juergen@example.com>"
    assert mail.from_address == "juergen@example.com"
    assert mail.message_id == "<encoded-subject.1@example.com>"
    assert mail.body == ("Guten Tag,\nmeine Bestellung 4711 ist nicht angekommen. Grüße aus Köln")


def test_latin1_and_windows_1252_bodies_and_raw_8bit_headers() -> None:
    latin = parse_mail(corpus_mail("latin1.eml"))
    assert latin.subject == "Café machine"
    assert latin.from_display == "Françoise <francoise@example.com>"
    assert latin.body == "Bonjour, la machine à café ne marche plus. £ 5"
    windows = parse_mail(corpus_mail("windows-1252.eml"))
    assert windows.body == "The invoice says „100 €“ – that is wrong."


def test_unknown_charset_is_readable_with_replacement_characters() -> None:
    mail = parse_mail(corpus_mail("unknown-charset.eml"))
    assert mail.subject == "Strange \ufffd subject"
    assert mail.body == "Hello \ufffd world, this is readable."


def test_html_only_mail_gets_a_text_body_and_sanitised_html() -> None:
    mail = parse_mail(corpus_mail("html-only.eml"))
    assert mail.body == (
        "Hello team & friends,\n\nPlease see the order [https://example.com/order].\nclick"
    )
    assert mail.html is not None
    for dangerous in ("<script", "stolen", "onload", "onclick", "onerror", "javascript:", "<style"):
        assert dangerous not in mail.html
    assert '<a href="https://example.com/order" rel="noopener noreferrer nofollow">' in mail.html


def test_sanitiser_drops_everything_that_can_run() -> None:
    dirty = (
        '<svg onload="x()"><p style="background:url(javascript:x)">a</p></svg>'
        '<iframe src="https://evil.example"></iframe><form action="/x"><input></form>'
        '<a href="data:text/html,<script>x()</script>">d</a><img src="cid:a@b">'
    )
    assert sanitise_html(dirty) == (
        '<p>a</p><a rel="noopener noreferrer nofollow">d</a><img src="cid:a@b">'
    )


def test_related_inline_image_is_an_inline_attachment() -> None:
    mail = parse_mail(corpus_mail("related-inline-image.eml"))
    assert mail.body == "See the error:"
    [image] = mail.attachments
    assert (image.filename, image.content_type, image.inline, image.content_id) == (
        "screenshot.png",
        "image/png",
        True,
        "shot1@example.com",
    )
    assert image.content.startswith(b"\x89PNG\r\n")


def test_forwarded_message_is_kept_as_an_eml_attachment() -> None:
    mail = parse_mail(corpus_mail("forwarded.eml"))
    assert mail.body == "See the message below."
    [forwarded] = mail.attachments
    assert (forwarded.filename, forwarded.content_type, forwarded.inline) == (
        "Delivery problem.eml",
        "message/rfc822",
        False,
    )
    inner = parse_mail(forwarded.content)
    assert (inner.subject, inner.body) == (
        "Delivery problem",
        "Your parcel could not be delivered.",
    )


def test_nested_multipart_takes_the_plain_text_and_keeps_every_part() -> None:
    mail = parse_mail(corpus_mail("nested-multipart.eml"))
    assert mail.body == "Plain version of the text."
    assert mail.html == '<p>Rich <i>version</i> of the text.</p><img src="cid:logo@example.com">'
    assert mail.to_addresses == ["support@frontdesk.test", "sales@frontdesk.test"]
    assert mail.cc_addresses == ["boss@example.com"]
    assert [(a.filename, a.content_type, a.inline) for a in mail.attachments] == [
        ("logo@example.com", "image/png", True),
        ("report.pdf", "application/pdf", False),
    ]


def test_broken_mime_still_gives_a_readable_mail() -> None:
    mail = parse_mail(corpus_mail("broken-mime.eml"))
    assert mail.subject == "Broken mail with bad word=ZZ"
    assert mail.from_address == "broken@example.com"
    assert mail.body == "This body is base64 but truncated"
    assert [a.content for a in mail.attachments] == [b"\x00\x01\x02"]
    assert "CloseBoundaryNotFoundDefect" in mail.defects


def test_bounce_keeps_its_report_and_headers() -> None:
    mail = parse_mail(corpus_mail("bounce.eml"))
    assert mail.header("Return-Path") == "<>"
    assert mail.header("auto-submitted") == "auto-replied"
    assert [a.content_type for a in mail.attachments] == ["message/delivery-status"]
    assert b"Status: 5.1.1" in mail.attachments[0].content


def test_crlf_in_an_encoded_word_cannot_make_a_new_header() -> None:
    raw = plain_mail(1, subject="=?utf-8?q?Hi=0D=0ABcc:_victim@example.com?=")
    mail = parse_mail(raw)
    assert mail.subject == "Hi Bcc: victim@example.com"
    assert all("\r" not in value and "\n" not in value for _name, value in mail.headers)


def test_nul_bytes_never_reach_the_body() -> None:
    mail = parse_mail(plain_mail(2, body="a\x00b"))
    assert mail.body == "ab"


def test_a_20_mb_attachment_is_kept_whole() -> None:
    size = 20 * 1024 * 1024
    mail = parse_mail(mail_with_attachment(size))
    [log] = mail.attachments
    assert (log.filename, len(log.content)) == ("server.log", size)
    assert mail.body == "The log is attached."


def test_no_text_at_all_gets_a_placeholder_body() -> None:
    raw = b"From: a@example.com\r\nSubject: empty\r\n\r\n"
    mail = parse_mail(raw)
    assert (mail.subject, mail.body, mail.message_id) == ("empty", "(no text)", None)
