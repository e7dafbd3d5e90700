"""CH-31, CH-35, CH-38: the chat as PDF, read back with a PDF text extractor: every script is
really there as text, names are shown as the reader saw them, markup is printed as text."""

from __future__ import annotations

import io

import httpx
import pytest
from pypdf import PdfReader

from frontdesk.web.state import WebState
from tests.domain.chat.desk import Desk, make_desk, set_settings

MESSAGES = [
    "Привет, мой принтер сломался",  # Cyrillic
    "Γειά σου κόσμε",  # Greek
    "你好，我的打印机坏了",  # Chinese
    "こんにちは",  # Japanese kana
    "مرحبا بالعالم",  # Arabic
    "שלום עולם",  # Hebrew
    "<b>bold</b> <script>alert(1)</script>",
]


@pytest.fixture
async def desk(client: httpx.AsyncClient, web: WebState) -> Desk:
    return await make_desk(client, web)


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_ch31_ch38_transcript_pdf_renders_every_script(desk: Desk) -> None:
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": "Support"})
    chat_id, visitor = await desk.public_chat(name="Ольга Петрова 王芳", message="Müller & Söhne")
    await desk.client.post(f"/api/v1/chats/{chat_id}/accept", headers=desk.olga)
    for index, text in enumerate(MESSAGES):
        await desk.say(chat_id, desk.olga if index % 2 else visitor, text)
    await desk.client.post(f"/api/v1/chats/{chat_id}/close", headers=visitor)
    response = await desk.client.get(f"/api/v1/chats/{chat_id}/transcript.pdf", headers=visitor)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = pdf_text(response.content)
    for expected in [
        *MESSAGES,
        "Müller & Söhne",
        "Ольга Петрова 王芳",
        "Support 1",
        "Channel: Chat",
    ]:
        assert expected in text, expected
    assert "Olga Agent" not in text  # CH-36 holds in the PDF too
    agent_text = pdf_text(
        (
            await desk.client.get(f"/api/v1/chats/{chat_id}/transcript.pdf", headers=desk.olga)
        ).content
    )
    assert "Olga Agent" in agent_text


async def test_ch35_transcript_only_for_those_who_may_see_the_chat(desk: Desk) -> None:
    chat_id, _ = await desk.accepted_public_chat()
    _, other_visitor = await desk.public_chat(name="Walter")
    for headers in (other_visitor, desk.cora, desk.nick):
        response = await desk.client.get(f"/api/v1/chats/{chat_id}/transcript.pdf", headers=headers)
        assert response.status_code == 404


async def test_ch36_agent_request_transcript_names_the_agent_by_the_default_name(
    desk: Desk,
) -> None:
    await set_settings(desk.web, {"ChatEngine::DefaultAgentName": "Support"})
    started = await desk.client.post(
        "/api/v1/chats",
        json={"to_customer_user": "cora", "message": "Can I help?"},
        headers=desk.olga,
    )
    assert started.status_code == 201, started.text
    chat_id = started.json()["id"]
    response = await desk.client.get(f"/api/v1/chats/{chat_id}/transcript.pdf", headers=desk.cora)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert f"Chat {chat_id}: Support 1" in text
    assert "Olga" not in text
    agent_text = pdf_text(
        (
            await desk.client.get(f"/api/v1/chats/{chat_id}/transcript.pdf", headers=desk.olga)
        ).content
    )
    assert f"Chat {chat_id}: Olga Agent" in agent_text
