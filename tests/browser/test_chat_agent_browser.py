"""The agent's chat manager in a real browser: a customer's request is accepted in /agent/chat,
messages go both ways live, an invited observer stays invisible to the customer, the monitor
switch raises a browser notification, the pop-out window and the manager stay in sync, and the
chat appended to a ticket shows as a transcript in ticket zoom.

With ``FRONTDESK_SCREENSHOTS=docs/user`` the test saves the chat manager screenshot of
docs/user/chat.md.
"""

from __future__ import annotations

import asyncio
import inspect
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from playwright.async_api import Page, expect

from tests.browser.conftest import LiveServer
from tests.browser.test_chat_public_browser import add_olga, prepare_desk, serious_violations
from tests.browser.test_ticket_zoom_browser import log_in, screenshot
from tests.conftest import ADMIN_PASSWORD

NewPage = Callable[..., Awaitable[Page]]

# Counts the notifications the page raises instead of showing them.
NOTIFICATION_STUB = """
window.raisedNotifications = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) {
    window.raisedNotifications.push({ title, body: (options && options.body) || "" });
  }
  addEventListener() {}
  close() {}
};
"""


async def eventually(probe: Callable[[], Any], wanted: Any, seconds: float = 10) -> None:
    """Waits until ``probe()`` (sync or async) answers ``wanted``; fails with the last answer."""
    deadline = time.monotonic() + seconds
    while True:
        answer = probe()
        if inspect.isawaitable(answer):
            answer = await answer
        if answer == wanted or time.monotonic() > deadline:
            break
        await asyncio.sleep(0.1)
    assert answer == wanted


def create_people(live_server: LiveServer, headers: dict[str, str]) -> dict[str, str]:
    """The customer Jane (with a password) and a second agent Olga, available for chat; answers
    Olga's headers."""
    with live_server.api() as api:
        api.post(
            "/api/v1/customer-users",
            json={
                "login": "jane",
                "first_name": "Jane",
                "last_name": "Doe",
                "email": "jane@example.com",
                "password": "customer-secret-1",
            },
            headers=headers,
        ).raise_for_status()
        olga_headers = add_olga(api, headers, last_name="Observer")
    return olga_headers


async def test_agent_accepts_and_works_a_chat_in_the_chat_manager(
    live_server: LiveServer, new_page: NewPage
) -> None:
    agent = await new_page()
    await agent.context.add_init_script(NOTIFICATION_STUB)
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)  # after the login: a browser login resets availability
    olga_headers = create_people(live_server, headers)
    with live_server.api() as api:
        queues = api.get("/api/v1/queues", headers=headers).json()["items"]
        misc = next(q["id"] for q in queues if q["name"] == "Misc")
        ticket = api.post(
            "/api/v1/tickets",
            json={
                "title": "Printer on fire",
                "queue_id": misc,
                "customer_user": "jane",
                "state": "open",
                "priority": "3 normal",
                "article": {
                    "channel": "phone",
                    "sender": "customer",
                    "subject": "Printer",
                    "body": "It smokes.",
                    "visible_for_customer": True,
                },
            },
            headers=headers,
        )
        assert ticket.status_code == 201, ticket.text
        ticket_id, ticket_number = ticket.json()["id"], ticket.json()["number"]

    await agent.goto(f"{live_server.url}/agent/chat")
    await expect(agent.get_by_role("link", name="Chat integration")).to_have_attribute(
        "href", "/agent/chat/integration"
    )
    await expect(agent.get_by_text("No open requests.")).to_be_visible()

    customer = await new_page(viewport={"width": 390, "height": 844})
    await log_in(customer, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await customer.goto(f"{live_server.url}/customer/chats/new")
    await customer.get_by_label("Your message").fill("My printer is on <b>fire</b>")
    await customer.get_by_role("button", name="Start chat").click()
    customer_log = customer.get_by_role("log")
    await expect(customer_log).to_contain_text("My printer is on <b>fire</b>")
    chat_id = int(customer.url.rsplit("/", 1)[1])

    # The request arrives live, with the count in the tab title.
    request = agent.get_by_role("button", name="Jane Doe (Chat)")
    await expect(request).to_be_visible()
    await expect(agent).to_have_title("(1) Chat manager · Frontdesk")
    await request.click()
    dialog = agent.get_by_role("dialog", name="Chat request")
    await expect(dialog.locator("[data-request-requester]")).to_have_text("Jane Doe")
    await dialog.get_by_role("button", name="Accept").click()
    widget = agent.locator(f"#chat-{chat_id}")
    agent_log = widget.locator("[data-chat-log]")
    await expect(agent_log.locator(".chat-text")).to_have_text(["My printer is on <b>fire</b>"])
    await expect(widget.locator("[data-chat-role]")).to_have_text("owner")
    await expect(widget.get_by_role("button", name="Join as observer")).to_be_hidden()
    await expect(agent.get_by_text("No open requests.")).to_be_visible()
    await expect(agent).to_have_title("Chat manager · Frontdesk")
    await expect(customer_log).to_contain_text("joined the chat")

    # Messages live both ways; Enter sends and the focus stays in the box.
    box = widget.get_by_role("textbox", name="Message")
    await box.fill("Please unplug it.")
    await box.press("Enter")
    await expect(box).to_be_focused()
    await expect(customer_log).to_contain_text("Please unplug it.")
    customer_box = customer.get_by_role("textbox", name="Message", exact=True)
    await customer_box.fill("Done, thanks")
    await customer_box.press("Enter")
    await expect(agent_log.locator(".chat-text")).to_have_text(
        ["My printer is on <b>fire</b>", "Please unplug it.", "Done, thanks"]
    )
    assert await agent_log.locator(".chat-text b").count() == 0

    # CH-28, CH-29: Olga is invited, accepts in her chat manager and joins as observer there;
    # the customer never learns of her.
    olga = await new_page()
    await olga.context.add_init_script(NOTIFICATION_STUB)
    await log_in(olga, f"{live_server.url}/login", "olga", "agent-secret-1")
    await olga.goto(f"{live_server.url}/agent/queues")
    invite = widget.locator("details", has_text="Invite an agent")
    await invite.locator("summary").click()
    agents = invite.get_by_label("Agent")
    await expect(agents.locator("option")).to_have_text(["Choose an agent", "Olga Observer"])
    await agents.select_option(label="Olga Observer")
    await invite.get_by_role("button", name="Invite").click()

    def invitations() -> list[dict[str, Any]]:
        with live_server.api() as api:
            found = api.get("/api/v1/chats?status=request", headers=olga_headers).json()
            return list(found["items"])

    await eventually(lambda: [c["invited_for_chat_id"] for c in invitations()], [chat_id])
    internal_id = invitations()[0]["id"]
    # The inviter's internal chat waits for Olga; Olga, on another page, is told (CH-17).
    internal = agent.locator(f"#chat-{internal_id}")
    await expect(internal.get_by_text("Waiting for Olga Observer to accept.")).to_be_visible()
    await expect(olga.locator("[data-chat-request-count]")).to_have_text("1")
    await expect(olga).to_have_title("(1) Queues · Frontdesk")
    await eventually(
        lambda: olga.evaluate("window.raisedNotifications"),
        [{"title": "Admin Frontdesk", "body": "Chat"}],
    )
    # A click on the notification opens the request in the chat manager.
    await olga.goto(f"{live_server.url}/agent/chat#request-{internal_id}")
    invitation = olga.get_by_role("dialog", name="Chat request")
    await expect(invitation.locator("[data-request-requester]")).to_have_text("Admin Frontdesk")
    await expect(invitation.get_by_role("button", name="Change channel")).to_be_hidden()
    await invitation.get_by_role("button", name="Accept").click()
    olga_internal = olga.locator(f"#chat-{internal_id}")
    await expect(internal.get_by_text("Waiting for Olga Observer to accept.")).to_be_hidden()
    await olga_internal.get_by_role("button", name="Join as observer").click()
    olga_widget = olga.locator(f"#chat-{chat_id}")
    await expect(olga_widget.locator("[data-chat-role]")).to_have_text("observer")
    await expect(olga_widget.get_by_role("button", name="Switch to participant")).to_be_visible()
    await expect(olga_internal.get_by_role("button", name="Join as observer")).to_be_hidden()
    await expect(olga_widget.locator("[data-chat-log] .chat-text")).to_have_text(
        ["My printer is on <b>fire</b>", "Please unplug it.", "Done, thanks"]
    )
    members = widget.locator("[data-chat-members] li")
    await expect(members.filter(has_text="Olga Observer")).to_contain_text("observer")

    # CH-24: monitoring customer activity raises a notification for the customer's message.
    await widget.get_by_label("Monitor").select_option("customer")

    def monitor_level() -> str:
        with live_server.api() as api:
            return str(api.get(f"/api/v1/chats/{chat_id}", headers=headers).json()["monitor"])

    await eventually(monitor_level, "customer")
    before = await agent.evaluate("window.raisedNotifications.length")
    await customer_box.fill("Smoke is gone")
    await customer_box.press("Enter")
    await expect(agent_log).to_contain_text("Smoke is gone")
    await eventually(lambda: agent.evaluate("window.raisedNotifications.length"), before + 1)
    raised = await agent.evaluate("window.raisedNotifications.at(-1)")
    assert raised == {"title": "Jane Doe", "body": "Smoke is gone"}
    # The agent's own message does not notify under "customer activity".
    await box.fill("Good.")
    await box.press("Enter")
    await expect(customer_log).to_contain_text("Good.")
    assert await agent.evaluate("window.raisedNotifications.length") == before + 1

    # CH-32: the pop-out window and the manager's widget stay in sync both ways.
    async with agent.context.expect_page() as opened:
        await widget.get_by_role("link", name="New window").click()
    popout = await opened.value
    await expect(popout).to_have_url(f"{live_server.url}/agent/chat/{chat_id}")
    popout_widget = popout.locator(f"#chat-{chat_id}")
    popout_log = popout_widget.locator("[data-chat-log]")
    await expect(popout_log).to_contain_text("Good.")
    popout_box = popout_widget.get_by_role("textbox", name="Message")
    await popout_box.fill("From the pop-out")
    await popout_box.press("Enter")
    await expect(agent_log).to_contain_text("From the pop-out")
    await box.fill("From the manager")
    await box.press("Enter")
    await expect(popout_log.locator(".chat-text").last).to_have_text("From the manager")
    expected = [
        "My printer is on <b>fire</b>",
        "Please unplug it.",
        "Done, thanks",
        "Smoke is gone",
        "Good.",
        "From the pop-out",
        "From the manager",
    ]
    await expect(agent_log.locator(".chat-text")).to_have_text(expected)
    await expect(popout_log.locator(".chat-text")).to_have_text(expected)
    await expect(customer_log.locator(".chat-text")).to_have_text(expected)
    # The customer never saw the observer: not her name, not her joining.
    assert "Olga" not in await customer.locator("body").inner_text()
    await popout.close()

    assert await serious_violations(agent) == []
    await agent.evaluate("document.activeElement.blur(); window.scrollTo(0, 0)")
    await agent.set_viewport_size({"width": 1280, "height": 1250})  # the widgets' actions too
    await screenshot(agent, "chat-manager.png")
    await agent.set_viewport_size({"width": 1280, "height": 900})

    # Append to the ticket: the chat closes and the transcript is an article of the ticket.
    append = widget.locator("details", has_text="Append to ticket")
    await append.locator("summary").click()
    await append.get_by_label("Search tickets").fill("printer")
    await append.get_by_role("button", name="Search").click()
    await expect(
        append.get_by_role("combobox", name="Ticket", exact=False).locator("option")
    ).to_have_text([f"{ticket_number} Printer on fire"])
    await append.get_by_role("button", name="Append and close").click()
    await expect(widget.get_by_text("This chat is closed.")).to_be_visible()
    await expect(customer.get_by_text("This chat has been closed.")).to_be_visible()
    await expect(customer_box).to_be_disabled()

    await agent.goto(f"{live_server.url}/agent/tickets/{ticket_id}")
    # The chat article carries every message the customer saw, as text; the observer is absent.
    article = agent.get_by_role("article", name=f"Chat {chat_id}")
    await expect(article).to_contain_text("Channel: chat")
    for text in expected:
        await expect(article).to_contain_text(text)
    assert "Olga" not in await article.inner_text()


async def test_ch13_ch20_agent_starts_a_chat_with_an_agent_who_accepts_in_the_manager(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """CH-13 from users online; CH-17 the request reaches the other agent on any page; CH-19,
    CH-20 they accept it in the chat manager; CH-22 both get widgets and write live."""
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)
    create_people(live_server, headers)
    olga = await new_page()
    await olga.context.add_init_script(NOTIFICATION_STUB)
    await log_in(olga, f"{live_server.url}/login", "olga", "agent-secret-1")
    await olga.goto(f"{live_server.url}/agent/search")

    await agent.goto(f"{live_server.url}/agent")
    start = agent.locator("details.chat-start", has_text="with Olga Observer")
    await start.locator("summary").click()
    await start.get_by_label("First message").fill("Lunch at <i>noon</i>?")
    await start.get_by_role("button", name="Send chat request").click()
    await expect(agent).to_have_url(re.compile(r"/agent/chat#chat-\d+$"))
    chat_id = int(agent.url.rsplit("-", 1)[1])
    mine = agent.locator(f"#chat-{chat_id}")
    await expect(mine.get_by_text("Waiting for Olga Observer to accept.")).to_be_visible()
    await expect(mine.get_by_role("button", name="Close chat")).to_be_visible()

    await expect(olga.locator("[data-chat-request-count]")).to_have_text("1")
    await expect(olga).to_have_title("(1) Search · Frontdesk")
    await olga.get_by_role("link", name="Chat 1").click()
    await olga.get_by_role("button", name="Admin Frontdesk (Chat)").click()
    dialog = olga.get_by_role("dialog", name="Chat request")
    await expect(dialog.locator("[data-request-messages] .chat-text")).to_have_text(
        ["Lunch at <i>noon</i>?"]
    )
    await expect(dialog.locator("[data-request-waiting]")).to_have_text(re.compile(r"0 min \d+ s"))
    await expect(dialog.get_by_role("button", name="Decline")).to_be_visible()
    await expect(dialog.get_by_role("button", name="Change channel")).to_be_hidden()
    await dialog.get_by_role("button", name="Accept").click()

    theirs = olga.locator(f"#chat-{chat_id}")
    await expect(theirs.locator("[data-chat-log] .chat-text")).to_have_text(
        ["Lunch at <i>noon</i>?"]
    )
    await expect(mine.get_by_text("Waiting for Olga Observer to accept.")).to_be_hidden()
    await expect(mine.locator("[data-chat-members] li")).to_have_count(2)
    await expect(olga).to_have_title("Chat manager · Frontdesk")

    reply = theirs.get_by_role("textbox", name="Message")
    await reply.fill("Sure!")
    await reply.press("Enter")
    box = mine.get_by_role("textbox", name="Message")
    await expect(mine.locator("[data-chat-log] .chat-text")).to_have_text(
        ["Lunch at <i>noon</i>?", "Sure!"]
    )
    await box.fill("See you")
    await box.press("Enter")
    await expect(theirs.locator("[data-chat-log] .chat-text")).to_have_text(
        ["Lunch at <i>noon</i>?", "Sure!", "See you"]
    )
    assert await theirs.locator(".chat-text i").count() == 0


async def test_ch49_ch26_typing_both_ways_and_a_phone_ticket_from_the_widget(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """CH-49: agent and customer see each other typing; CH-26: the widget's phone ticket holds
    the transcript, links to the ticket and closes the chat."""
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)
    create_people(live_server, headers)
    await agent.goto(f"{live_server.url}/agent/chat")

    customer = await new_page(viewport={"width": 390, "height": 844})
    await log_in(customer, f"{live_server.url}/customer/login", "jane", "customer-secret-1")
    await customer.goto(f"{live_server.url}/customer/chats/new")
    await customer.get_by_label("Your message").fill("My screen is black\nsince this morning")
    await customer.get_by_role("button", name="Start chat").click()
    customer_log = customer.get_by_role("log")
    await expect(customer_log).to_contain_text("My screen is black")
    chat_id = int(customer.url.rsplit("/", 1)[1])

    await agent.get_by_role("button", name="Jane Doe (Chat)").click()
    await (
        agent.get_by_role("dialog", name="Chat request")
        .get_by_role("button", name="Accept")
        .click()
    )
    widget = agent.locator(f"#chat-{chat_id}")
    await expect(customer_log).to_contain_text("joined the chat")

    customer_box = customer.get_by_role("textbox", name="Message", exact=True)
    await customer_box.press_sequentially("Hel")
    await expect(widget.locator("[data-chat-typing]")).to_have_text("Jane Doe is typing…")
    box = widget.get_by_role("textbox", name="Message")
    await box.press_sequentially("Let me")
    await expect(customer.locator("[data-chat-typing]")).to_contain_text("is typing…")
    await box.fill("Let me open a ticket.")
    await box.press("Enter")
    await expect(customer_log).to_contain_text("Let me open a ticket.")
    await expect(widget.locator("[data-chat-typing]")).to_have_text("")

    phone = widget.locator("details", has_text="Create phone ticket")
    await phone.locator("summary").click()
    await expect(phone.get_by_label("Title")).to_have_value("My screen is black")
    await phone.get_by_label("Queue").select_option(label="Misc")
    await phone.get_by_role("button", name="Create ticket and close").click()
    link = widget.get_by_role("link", name=re.compile(r"^Ticket \d+ created$"))
    await expect(link).to_be_visible()
    await expect(widget.get_by_text("This chat is closed.")).to_be_visible()
    await expect(customer_box).to_be_disabled()

    ticket_id = int((await link.get_attribute("href") or "").rsplit("/", 1)[1])
    with live_server.api() as api:
        ticket = api.get(f"/api/v1/tickets/{ticket_id}", headers=headers).json()
        articles = api.get(f"/api/v1/tickets/{ticket_id}/articles", headers=headers).json()
    assert (ticket["title"], ticket["queue"], ticket["customer_user"]) == (
        "My screen is black",
        "Misc",
        "jane",
    )
    first = articles["items"][0]
    assert first["channel"] == "chat"
    assert "My screen is black" in first["body"] and "Let me open a ticket." in first["body"]
    await link.click()
    await expect(agent).to_have_url(f"{live_server.url}/agent/tickets/{ticket_id}")
    await expect(agent.get_by_role("heading", level=1)).to_contain_text("My screen is black")


async def test_ch14_a_request_to_a_customer_waits_in_the_manager_until_accepted(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """CH-14 from the customer information center: the agent's widget waits for the customer
    and turns into the live chat when they accept (the socket's chat.changed)."""
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)
    create_people(live_server, headers)
    customer = await new_page(viewport={"width": 390, "height": 844})
    await log_in(customer, f"{live_server.url}/customer/login", "jane", "customer-secret-1")

    await agent.goto(f"{live_server.url}/agent/customers/jane")
    start = agent.locator("details.chat-start")
    await start.locator("summary").click()
    await start.get_by_label("First message").fill("Your order is ready")
    await start.get_by_role("button", name="Send chat request").click()
    await expect(agent).to_have_url(re.compile(r"/agent/chat#chat-\d+$"))
    chat_id = int(agent.url.rsplit("-", 1)[1])
    widget = agent.locator(f"#chat-{chat_id}")
    await expect(widget.locator("[data-chat-title]")).to_have_text("Jane Doe")
    await expect(widget.get_by_text("Waiting for Jane Doe to accept.")).to_be_visible()
    await expect(widget.locator("[data-chat-status]")).to_have_text("request")

    with live_server.api() as api:
        token = api.post(
            "/api/v1/auth/token",
            json={"login": "jane", "password": "customer-secret-1", "realm": "customer"},
        ).json()["token"]
        accepted = api.post(
            f"/api/v1/chats/{chat_id}/accept", headers={"Authorization": f"Bearer {token}"}
        )
        assert accepted.status_code == 200, accepted.text
    await expect(widget.get_by_text("Waiting for Jane Doe to accept.")).to_be_hidden()
    await expect(widget.locator("[data-chat-status]")).to_have_text("active")
    await expect(widget.locator("[data-chat-members] li")).to_have_count(2)
    await expect(widget.locator("[data-chat-log]")).to_contain_text("Jane Doe — joined")


async def test_ch18_chat_manager_catches_up_after_a_network_cut(
    live_server: LiveServer, new_page: NewPage
) -> None:
    """Frames sent while the socket is down are lost: on reconnect the manager reads its lists
    again, so a request made during the cut shows, without a second widget or a lost draft."""
    agent = await new_page()
    await log_in(agent, f"{live_server.url}/login", "admin", ADMIN_PASSWORD)
    headers = prepare_desk(live_server)
    create_people(live_server, headers)
    with live_server.api() as api:
        token = api.post(
            "/api/v1/auth/token",
            json={"login": "jane", "password": "customer-secret-1", "realm": "customer"},
        ).json()["token"]
    jane = {"Authorization": f"Bearer {token}"}

    def jane_asks(message: str) -> int:
        with live_server.api() as api:
            created = api.post("/api/v1/chats", json={"message": message}, headers=jane)
            assert created.status_code == 201, created.text
            return int(created.json()["id"])

    await agent.goto(f"{live_server.url}/agent/chat")
    await expect(agent.get_by_text("No open requests.")).to_be_visible()
    first_id = jane_asks("First question")
    await agent.get_by_role("button", name="Jane Doe (Chat)").click()
    await (
        agent.get_by_role("dialog", name="Chat request")
        .get_by_role("button", name="Accept")
        .click()
    )
    widget = agent.locator(f"#chat-{first_id}")
    box = widget.get_by_role("textbox", name="Message")
    await box.fill("A draft $& not sent")

    await agent.context.set_offline(True)
    await expect(agent.get_by_text("Connection lost. Reconnecting…")).to_be_visible()
    second_id = jane_asks("Second question")
    with live_server.api() as api:
        said = api.post(
            f"/api/v1/chats/{first_id}/messages", json={"text": "Still there?"}, headers=jane
        )
        assert said.status_code == 201, said.text
    await agent.context.set_offline(False)

    await expect(agent.get_by_text("Connection lost. Reconnecting…")).to_be_hidden()
    request = agent.get_by_role("button", name="Jane Doe (Chat)")
    await expect(request).to_have_count(1)
    await expect(request).to_have_attribute("data-request-open", str(second_id))
    await expect(agent).to_have_title("(1) Chat manager · Frontdesk")
    await expect(agent.locator("[data-chat-widget]")).to_have_count(1)
    await expect(widget.locator("[data-chat-log] .chat-text")).to_have_text(
        ["First question", "Still there?"]
    )
    await expect(box).to_have_value("A draft $& not sent")
