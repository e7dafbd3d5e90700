// A widget's controls: the composer (Enter sends, focus stays in it), the monitor level,
// closing, joining and switching, the phone ticket, invitations, moving to another channel
// and appending to a ticket (CH-22 … CH-32).

import { api, el, run } from "./api.js";
import { connection } from "./connection.js";
import { agentId, agentName, singleChat } from "./page.js";
import { logLine, renderJoin } from "./widget-view.js";
import { addWidget, joinChat } from "./widgets.js";

export function bindWidget(widget) {
  const node = widget.node;
  const chatId = widget.chat.id;
  const form = node.querySelector("[data-chat-send]");
  const sendNow = () => {
    const text = widget.input.value;
    if (!text.trim()) return;
    const pendingId = connection.send(chatId, text);
    const log = node.querySelector("[data-chat-log]");
    const mine = { kind: "agent", id: agentId, name: agentName || "…" };
    log.append(logLine(widget, { kind: "message", author: mine, text }, pendingId));
    log.scrollTop = log.scrollHeight;
    widget.input.value = "";
    widget.input.focus(); // focus stays in the input (CH-22)
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendNow();
  });
  widget.input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      sendNow();
    }
  });
  widget.input.addEventListener("input", () => connection.typing(chatId));
  node.querySelector("[data-chat-monitor]").addEventListener("change", async (event) => {
    const level = event.target.value;
    const previous = widget.chat.monitor;
    widget.monitorEdits += 1;
    widget.chat.monitor = level;
    const saved = await run(() => api("PUT", `/chats/${chatId}/monitor`, { level }));
    if (saved === null) {
      widget.chat.monitor = previous;
      event.target.value = previous || "off";
    }
  });
  node.querySelector("[data-chat-close]").addEventListener("click", () =>
    run(() => api("POST", `/chats/${chatId}/close`)),
  );
  for (const join of node.querySelectorAll("[data-chat-join]")) {
    join.addEventListener("click", () => {
      const target = widget.chat.addressed_to_me && widget.chat.invited_for_chat_id;
      joinChat(target || chatId, join.dataset.chatJoin).then(() => renderJoin(widget));
    });
  }
  for (const change of node.querySelectorAll("[data-chat-switch]")) {
    change.addEventListener("click", () => joinChat(chatId, change.dataset.chatSwitch));
  }
  const phoneTicket = node.querySelector("[data-chat-phone-ticket]");
  phoneTicket?.addEventListener("click", async () => {
    const queueId = Number(node.querySelector("[data-chat-phone-queue]").value);
    const title = node.querySelector("[data-chat-phone-title]").value.trim();
    const body = { queue_id: queueId };
    if (title) body.title = title;
    const ticket = await run(() => api("POST", `/chats/${chatId}/phone-ticket`, body));
    if (ticket) {
      showTicket(widget, ticket);
      node.querySelector("[data-chat-phone-ticket-box]").open = false;
    }
  });
  const popout = node.querySelector("[data-chat-popout]");
  popout.href = `/agent/chat/${chatId}`;
  popout.hidden = Boolean(singleChat);
  node.querySelector("[data-chat-pdf]").href = `/api/v1/chats/${chatId}/transcript.pdf`;
  const inviteSelect = node.querySelector("[data-chat-invite-select]");
  inviteSelect.closest("details").addEventListener("toggle", async (event) => {
    if (!event.target.open) return;
    // An error answer is the same fragment saying no agent is available; a failed request
    // leaves the list empty. Only <option>s of our own template (escaped there) are taken.
    const html = await fetch(`/agent/chat/${chatId}/invitable`, { credentials: "same-origin" })
      .then((response) => (response.ok || response.status < 500 ? response.text() : ""))
      .catch(() => "");
    const fragment = document.createRange().createContextualFragment(html);
    inviteSelect.replaceChildren(...fragment.querySelectorAll("option"));
  });
  node.querySelector("[data-chat-invite]").addEventListener("click", async () => {
    const id = Number(inviteSelect.value);
    if (!id) return;
    // CH-28: the internal chat with the invitee waits beside this one until they accept.
    const internal = await run(() => api("POST", `/chats/${chatId}/invite`, { agent_id: id }));
    if (internal) {
      inviteSelect.closest("details").open = false;
      addWidget(internal);
    }
  });
  node.querySelector("[data-chat-move]").addEventListener("click", () => {
    const channelId = Number(node.querySelector("[data-chat-channel-select]").value);
    run(() => api("POST", `/chats/${chatId}/channel`, { channel_id: channelId }));
  });
  const ticketSelect = node.querySelector("[data-chat-ticket-select]");
  node.querySelector("[data-chat-ticket-search]").addEventListener("click", async () => {
    const query = node.querySelector("[data-chat-ticket-query]").value;
    const found = await run(() => api("GET", `/tickets?query=${encodeURIComponent(query)}`));
    ticketSelect.replaceChildren();
    for (const ticket of (found && found.items) || []) {
      const option = el("option", "", `${ticket.number} ${ticket.title}`);
      option.value = String(ticket.id);
      ticketSelect.append(option);
    }
  });
  node.querySelector("[data-chat-append]").addEventListener("click", () => {
    const ticketId = Number(ticketSelect.value);
    if (ticketId) run(() => api("POST", `/chats/${chatId}/append`, { ticket_id: ticketId }));
  });
}

function showTicket(widget, ticket) {
  const link = widget.node.querySelector("[data-chat-ticket-link]");
  link.href = `/agent/tickets/${ticket.id}`;
  link.textContent = link.dataset.template.replace("%(number)s", () => ticket.number);
  widget.node.querySelector("[data-chat-ticket-created]").hidden = false;
}
