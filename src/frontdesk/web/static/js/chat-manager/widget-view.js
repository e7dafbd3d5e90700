// What a chat widget shows: its header (title, members, role, status), the join and switch
// buttons, the message log, and each event the socket brings (typing, presence, messages),
// with the monitor level deciding which new events notify (CH-21 … CH-30).

import { beep } from "../chat-alerts.js";
import { authorKey, messageLine } from "../../embed/chat-lines.js";
import { api, el, run } from "./api.js";
import { notify } from "./notify.js";
import { agentId, template, unread, widgets } from "./page.js";

// Role names as the page's language says them (from the widget template).
const roleNames = JSON.parse(
  template.content.querySelector("[data-chat-role]").dataset.names || "{}",
);

function roleName(role) {
  return roleNames[role] || role;
}

export function renderHeader(widget) {
  const chat = widget.chat;
  // A chat I started (with an agent or a customer) is titled with the other side.
  const startedByMe = chat.addressee_name && !chat.addressed_to_me;
  const title = startedByMe ? chat.addressee_name : chat.requester_name;
  widget.node.querySelector("[data-chat-title]").textContent = title;
  unread.title(chat.id, title);
  widget.node.querySelector("[data-chat-channel]").textContent = chat.channel_name;
  widget.node.querySelector("[data-chat-role]").textContent =
    chat.my_role ? roleName(chat.my_role) : "—";
  widget.node.querySelector("[data-chat-status]").textContent = chat.status;
  const members = widget.node.querySelector("[data-chat-members]");
  members.replaceChildren();
  for (const member of chat.members) {
    const item = el("li", `chat-member presence-${member.presence}`);
    const icon = el("span", "presence-icon", "●");
    icon.setAttribute("aria-hidden", "true");
    item.append(icon, ` ${member.display_name} (${roleName(member.role)}, ${member.presence})`);
    members.append(item);
  }
  if (chat.monitor) widget.node.querySelector("[data-chat-monitor]").value = chat.monitor;
  const isMember = Boolean(chat.my_role);
  const closed = chat.status === "closed";
  renderJoin(widget);
  widget.node.querySelector("[data-chat-closed]").hidden = !closed;
  // CH-13, CH-14: my own request waits for the other side to accept.
  const pending = widget.node.querySelector("[data-chat-pending]");
  pending.hidden = chat.status !== "request";
  // A function replacement: "$&" and the like in a name are text, not patterns.
  pending.textContent = pending.dataset.template.replace(
    "%(name)s",
    () => chat.addressee_name || "…",
  );
  widget.input.disabled = closed || !isMember || chat.my_role === "observer";
  widget.node.querySelector("[data-chat-send] button").disabled = widget.input.disabled;
}

// CH-28 … CH-30: in the internal chat of an invitation the invitee joins the original chat;
// in a chat one observes or participates in, one switches between the two; an agent shown a
// chat they are not in (yet) may join it.
export function renderJoin(widget) {
  const chat = widget.chat;
  const open = chat.status !== "closed";
  // The invitee, once they accepted the internal chat, until they are in the original one.
  const invitation = Boolean(chat.invited_for_chat_id && chat.addressed_to_me);
  const joined = Boolean(invitation && widgets.get(chat.invited_for_chat_id)?.chat.my_role);
  const mayJoin = invitation ? chat.status === "active" && !joined : !chat.my_role;
  widget.node.querySelector("[data-chat-join-box]").hidden = !open || !mayJoin;
  const switchBox = widget.node.querySelector("[data-chat-switch-box]");
  const switchable = chat.my_role === "observer" || chat.my_role === "participant";
  switchBox.hidden = !open || !switchable;
  for (const option of switchBox.querySelectorAll("[data-chat-switch-option]")) {
    option.hidden = option.dataset.chatSwitchOption === chat.my_role;
  }
}

export async function refreshChat(widget) {
  const edits = widget.monitorEdits;
  const chat = await run(() => api("GET", `/chats/${widget.chat.id}`));
  if (chat) adoptChat(widget, chat, edits);
}

// Fresh chat data for a widget. An answer read before the agent last changed the monitor
// level carries the old level: keep the agent's choice rather than flip the switch back.
export function adoptChat(widget, chat, monitorEditsBefore) {
  if (widget.monitorEdits !== monitorEditsBefore) chat.monitor = widget.chat.monitor;
  widget.chat = chat;
  renderHeader(widget);
}

export function logLine(widget, event, pendingId) {
  const log = widget.node.querySelector("[data-chat-log]");
  const who = event.author ? event.author.name : "";
  let item;
  if (event.kind === "message") {
    item = messageLine(log, {
      key: isMine(event) || pendingId ? "self" : authorKey(event.author),
      name: who,
      text: event.text,
      at: event.at,
      lineClass: "chat-line chat-message",
      authorClass: "chat-author",
    });
  } else {
    item = el("li", `chat-line chat-${event.kind}`);
    const what = event.kind.replace(/_/g, " ");
    item.append(el("em", "chat-system", `${who} — ${what}`));
  }
  if (pendingId) {
    item.classList.add("chat-pending");
    item.dataset.pending = pendingId;
    item.append(el("span", "chat-pending-note muted", " (queued)"));
  }
  return item;
}

// CH-24: the monitor level is this agent's, per chat; it decides which new events notify.
// Replayed history (seq up to what the chat had when the widget opened) never notifies.
function monitorMatches(widget, event) {
  const level = widget.chat.monitor || "off";
  if (level === "off" || !isNew(widget, event)) return false;
  const author = event.author || {};
  if (isMine(event)) return false;
  return level === "all" || author.kind === "customer" || author.kind === "visitor";
}

function isNew(widget, event) {
  return typeof event.seq === "number" && event.seq > widget.notifyAfter;
}

function isMine(event) {
  return Boolean(event.author && event.author.kind === "agent" && event.author.id === agentId);
}

export function appendEvent(widget, event) {
  const log = widget.node.querySelector("[data-chat-log]");
  if (event.kind === "typing") {
    if (event.author && event.author.id === agentId && event.author.kind === "agent") return;
    const typing = widget.node.querySelector("[data-chat-typing]");
    typing.textContent = typing.dataset.template.replace("%(name)s", () =>
      event.author ? event.author.name : "",
    );
    clearTimeout(widget.typingTimer);
    widget.typingTimer = setTimeout(() => (typing.textContent = ""), 4000);
    return;
  }
  if (event.kind === "presence") {
    refreshChat(widget);
    return;
  }
  if (event.kind === "message" && event.client_message_id) {
    log.querySelector(`[data-pending="${CSS.escape(event.client_message_id)}"]`)?.remove();
  }
  if (event.kind === "message" && !widget.firstMessage) {
    // CH-26: the phone ticket's title starts as the chat's first line.
    widget.firstMessage = event.text || "";
    const title = widget.node.querySelector("[data-chat-phone-title]");
    if (title && !title.value) title.value = widget.firstMessage.split("\n")[0].slice(0, 200);
  }
  log.append(logLine(widget, event));
  log.scrollTop = log.scrollHeight;
  widget.node.querySelector("[data-chat-typing]").textContent = "";
  if (event.kind === "message" && isNew(widget, event) && !isMine(event)) {
    unread.arrived(widget.chat.id);
  }
  if (event.kind !== "message") refreshChat(widget);
  const what = event.text || `${event.author ? event.author.name : ""} — ${event.kind.replace(/_/g, " ")}`;
  const fromOthers = event.kind === "message" && isNew(widget, event) && !isMine(event);
  if (monitorMatches(widget, event) || (fromOthers && document.hidden)) {
    notify(widget.chat.requester_name, what, { chatId: widget.chat.id }); // beeps too
  } else if (fromOthers) {
    beep();
  }
}
