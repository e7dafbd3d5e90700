"""The public chat page, its embedding policy (CSP frame-ancestors, the loader's availability
answer) and the admin's chat integration dialog."""

from __future__ import annotations

import httpx

from frontdesk.web.state import WebState
from tests.conftest import ADMIN_PASSWORD
from tests.domain.chat.desk import make_desk, set_settings
from tests.web.test_pages_agent import log_in

ORIGINS = "ChatEngine::PublicInterface::AllowedOrigins"
# The page policy (web/security_headers.py) with the frame ancestors the test sets.
FRAMED_BY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self' ws://testserver wss://testserver; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors {}; report-uri /csp-report"
)


async def test_public_chat_page_offers_the_form_and_frames_only_for_allowed_sites(
    client: httpx.AsyncClient, web: WebState
) -> None:
    desk = await make_desk(client, web)
    page = await client.get("/public/chat")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == FRAMED_BY.format("'self'")
    assert '<input id="chat-name" name="name" type="text" value="" required' in page.text
    assert f'name="channel_id" value="{desk.default_channel_id}"' in page.text
    assert "<header" in page.text

    framed = await client.get("/public/chat", params={"iframe": "1", "title": "<b>Help</b>"})
    assert "<header" not in framed.text
    assert "<title>&lt;b&gt;Help&lt;/b&gt;</title>" in framed.text

    await set_settings(web, {ORIGINS: ["https://shop.example", "bad value; script-src *"]})
    framed = await client.get("/public/chat", params={"iframe": "1"})
    assert framed.headers["content-security-policy"] == FRAMED_BY.format(
        "'self' https://shop.example"
    )
    await set_settings(web, {ORIGINS: ["*"]})
    framed = await client.get("/public/chat", params={"iframe": "1"})
    assert framed.headers["content-security-policy"] == FRAMED_BY.format("*")


async def test_no_agent_shows_the_text_and_only_a_safe_fallback_link(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await set_settings(
        web, {"ChatEngine::PublicInterface::FallbackURL": "https://www.example.com/contact"}
    )
    page = await client.get("/public/chat")
    assert "No agent is available at the moment. Please try again later." in page.text
    assert 'href="https://www.example.com/contact"' in page.text
    assert 'id="chat-start-form"' not in page.text

    from_widget = await client.get(
        "/public/chat", params={"iframe": "1", "fallback": "javascript:alert(1)"}
    )
    assert "javascript:" not in from_widget.text
    assert "data-widget-fallback" not in from_widget.text


async def test_ch42_the_widgets_fallback_reaches_a_page_with_an_agent(
    client: httpx.AsyncClient, web: WebState
) -> None:
    """The loader always passes its fallback address: a visitor who starts a chat while an
    agent is available may still wait in vain, and then sees the widget's address."""
    await make_desk(client, web)
    page = await client.get(
        "/public/chat",
        params={"iframe": "1", "fallback": "https://shop.example/contact?a=1&b=2"},
    )
    assert 'id="chat-start-form"' in page.text
    assert 'data-widget-fallback="https://shop.example/contact?a=1&amp;b=2"' in page.text


async def test_widget_config_answers_allowed_origins_only(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await make_desk(client, web)
    blocked = await client.get(
        "/public/chat/widget-config", headers={"Origin": "https://evil.example"}
    )
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "origin_not_allowed"
    assert "ChatEngine::PublicInterface::AllowedOrigins" in blocked.json()["error"]["message"]
    assert blocked.headers["access-control-allow-origin"] == "https://evil.example"

    own = await client.get("/public/chat/widget-config", headers={"Origin": "http://testserver"})
    assert own.status_code == 200
    assert own.json()["available"] is True

    await set_settings(web, {ORIGINS: ["https://shop.example/"]})
    allowed = await client.get(
        "/public/chat/widget-config", headers={"Origin": "https://shop.example"}
    )
    assert allowed.status_code == 200
    body = allowed.json()
    assert body["available"] is True
    assert [c["is_default"] for c in body["channels"]] == [True]
    assert allowed.headers["access-control-allow-origin"] == "https://shop.example"


async def test_widget_config_without_agents_says_unavailable(
    client: httpx.AsyncClient, web: WebState
) -> None:
    answer = await client.get("/public/chat/widget-config")
    assert answer.status_code == 200
    assert answer.json() == {"available": False, "channels": []}


async def test_integration_dialog_is_for_admins(client: httpx.AsyncClient, web: WebState) -> None:
    desk = await make_desk(client, web)
    assert (await client.get("/agent/chat/integration")).status_code == 303
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    page = await client.get("/agent/chat/integration")
    assert page.status_code == 200
    assert 'data-server="http://testserver"' in page.text
    assert f'<option value="{desk.default_channel_id}">Chat</option>' in page.text
    assert 'role="tablist"' in page.text


async def test_integration_code_uses_the_http_type_setting(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await make_desk(client, web)
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    await set_settings(web, {"HttpType": "https"})
    page = await client.get("/agent/chat/integration")
    assert 'data-server="https://testserver"' in page.text


async def test_configured_public_texts_replace_the_built_in_ones_as_text(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await make_desk(client, web)
    page = await client.get("/public/chat")
    assert "Waiting for an agent…" in page.text
    await set_settings(
        web,
        {
            "ChatEngine::Texts::PublicFrontend::WaitingForAgent": "One <b>moment</b>",
            "ChatEngine::Texts::PublicFrontend::ChatClosed": "Thanks & bye",
        },
    )
    page = await client.get("/public/chat")
    assert "Waiting for an agent…" not in page.text
    assert "One &lt;b&gt;moment&lt;/b&gt;" in page.text
    assert "<b>moment</b>" not in page.text
    assert "Thanks &amp; bye" in page.text


PRIMARY = "ChatEngine::PublicInterface::PrimaryColor"
TEXT = "ChatEngine::PublicInterface::TextColor"


async def test_chat_theme_serves_the_colour_settings_with_readable_text(
    client: httpx.AsyncClient, web: WebState, admin_headers: dict[str, str]
) -> None:
    theme = await client.get("/public/chat/theme.css")
    assert theme.status_code == 200
    assert theme.headers["content-type"].startswith("text/css")
    assert theme.text == ":root { --chat-primary: #0b5cad; --chat-on-primary: #ffffff; }\n"
    page = await client.get("/public/chat")
    assert '<link rel="stylesheet" href="/public/chat/theme.css">' in page.text

    await set_settings(web, {PRIMARY: "#8A2BE2", TEXT: "#fffff0"})
    theme = await client.get("/public/chat/theme.css")
    assert theme.text == ":root { --chat-primary: #8a2be2; --chat-on-primary: #fffff0; }\n"

    # Yellow with white text reads at 1.07:1: black text is served instead.
    await set_settings(web, {PRIMARY: "#ffff00", TEXT: "#ffffff"})
    theme = await client.get("/public/chat/theme.css")
    assert theme.text == ":root { --chat-primary: #ffff00; --chat-on-primary: #000000; }\n"


async def test_a_colour_setting_refuses_anything_but_rrggbb(
    client: httpx.AsyncClient, web: WebState, admin_headers: dict[str, str]
) -> None:
    for bad in ("red", "#fff", "#12345g", "#0b5cad; } body { display: none", 7):
        refused = await client.put(
            f"/api/v1/settings/{PRIMARY}", headers=admin_headers, json={"value": bad}
        )
        assert refused.status_code == 422, bad
        error = refused.json()["error"]
        message = "must be a colour written #rrggbb, such as #0b5cad"
        assert error["code"] == "validation_failed", bad
        assert error["details"] == [{"field": "value", "message": message}], bad
    staged = await client.get("/api/v1/settings/staged", headers=admin_headers)
    assert staged.json()["items"] == []
    theme = await client.get("/public/chat/theme.css")
    assert theme.text == ":root { --chat-primary: #0b5cad; --chat-on-primary: #ffffff; }\n"


async def test_integration_dialog_starts_from_the_colour_settings(
    client: httpx.AsyncClient, web: WebState
) -> None:
    await set_settings(web, {PRIMARY: "#204020", TEXT: "#f0f0f0"})
    await log_in(client, "admin", ADMIN_PASSWORD, "agent")
    dialog = await client.get("/agent/chat/integration")
    assert dialog.status_code == 200
    assert 'name="color" type="color" value="#204020"' in dialog.text
    assert 'name="textColor" type="color" value="#f0f0f0"' in dialog.text
