// The agent's chat manager (CH-18 … CH-32): open requests live, the request dialog, the agent's
// chats as widgets, and the same widget alone in a pop-out window. Every change goes through
// the chat REST API; everything shown comes from the socket (realtime.js), so the manager and a
// pop-out window of the same chat stay in sync both ways. Text is set with textContent only.

import { beep, showRequestCount } from "./chat-alerts.js";
import { ChatConnection } from "./realtime.js";
import { authorKey, messageLine } from "../embed/chat-lines.js";
import { bindSoundSwitch } from "./chat-manager/sound.js";
import { UnreadCounts } from "./chat-manager/unread.js";
import { showWaitingTimes, startWaitingClock } from "./chat-manager/waiting.js";

const root = document.querySelector("[data-chat-manager]");
const csrf = root.dataset.csrf;
const agentId = Number(root.dataset.agentId);
const agentName = root.dataset.agentName || "";
const singleChat = Number(root.dataset.singleChat) || null;
const template = document.querySelector("[data-chat-widget-template]");
const widgetsBox = root.querySelector("[data-chat-widgets]");
const requestList = root.querySelector("[data-chat-requests]");
const dialog = root.querySelector("[data-request-dialog]");
const errorBox = root.querySelector("[data-chat-error]");
const chatOrder = root.dataset.chatOrder === "append" ? "append" : "prepend";
const requests = new Map(); // chat id → summary
const widgets = new Map(); // chat id → widget state
const unread = new UnreadCounts(root.querySelector("[data-chat-list]"));
if (singleChat) unread.view(singleChat);

async function api(method, path, body) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((data && data.error && data.error.message) || response.statusText);
  }
  return data;
}

function showError(error) {
  errorBox.textContent = error ? error.message : "";
  errorBox.hidden = !error;
}

async function run(action) {
  try {
    showError(null);
    return await action();
  } catch (error) {
    showError(error);
    return null;
  }
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// --- notifications (CH-17, CH-24) --------------------------------------------------------------

bindSoundSwitch(root.querySelector("[data-chat-sound]"));
startWaitingClock(requestList);

const notifyOffer = root.querySelector("[data-chat-notify-offer]");
if ("Notification" in window && Notification.permission === "default") {
  notifyOffer.hidden = false;
  root.querySelector("[data-chat-notify-enable]").addEventListener("click", async () => {
    await Notification.requestPermission();
    notifyOffer.hidden = true;
  });
}

// A click brings this window forward and shows what the notification was about: the chat's
// widget, or the request's details.
function notify(title, body, { chatId = null, requestId = null } = {}) {
  beep();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const tag = `frontdesk-chat-${chatId || requestId || "request"}`;
  const note = new Notification(title, { body, tag });
  note.addEventListener("click", () => {
    window.focus();
    if (chatId && widgets.has(chatId)) showWidget(widgets.get(chatId));
    if (requestId && requests.has(requestId)) openRequest(requestId);
  });
}

// --- open requests ---------------------------------------------------------------------------

let dialogChatId = null;
let waitingTimer = null;

function showWaiting(created) {
  const waiting = dialog.querySelector("[data-request-waiting]");
  const seconds = Math.max(0, Math.floor((Date.now() - created.getTime()) / 1000));
  waiting.textContent = waiting.dataset.minutes
    .replace("%(minutes)s", () => String(Math.floor(seconds / 60)))
    .replace("%(seconds)s", () => String(seconds % 60));
}

// A request holds its first message and little else; a few events hold the first messages.
const FIRST_EVENTS = 10;

async function showFirstMessages(chatId) {
  const list = dialog.querySelector("[data-request-messages]");
  list.replaceChildren();
  // Not run(): an error shown elsewhere on the page is not this dialog's to clear.
  const found = await api("GET", `/chats/${chatId}/events?after_seq=0&limit=${FIRST_EVENTS}`).catch(
    (error) => {
      showError(error);
      return null;
    },
  );
  if (dialogChatId !== chatId || !found) return;
  const messages = found.items.map((item) => item.event).filter((e) => e.kind === "message");
  for (const message of messages.slice(0, 3)) {
    const item = el("li", "chat-line chat-message");
    item.append(
      el("strong", "chat-author", message.author ? message.author.name : ""),
      el("span", "chat-text", message.text || ""),
    );
    list.append(item);
  }
}

function renderRequests() {
  if (!requestList) return;
  requestList.replaceChildren();
  for (const chat of requests.values()) {
    const item = el("li", "chat-request");
    const open = el("button", "link", `${chat.requester_name} (${chat.channel_name})`);
    open.type = "button";
    open.dataset.requestOpen = String(chat.id);
    open.addEventListener("click", () => openRequest(chat.id));
    const waiting = el("span", "chat-request-waiting muted");
    waiting.dataset.requestWaitingSince = chat.created_at;
    item.append(open, " ", waiting);
    requestList.append(item);
  }
  showWaitingTimes(requestList);
  root.querySelector("[data-chat-requests-empty]").hidden = requests.size > 0;
  showRequestCount(requests.size);
}

function openRequest(chatId) {
  const chat = requests.get(chatId);
  if (!chat || !dialog) return;
  dialogChatId = chatId;
  dialog.querySelector("[data-request-requester]").textContent = chat.requester_name;
  dialog.querySelector("[data-request-channel]").textContent = chat.channel_name;
  dialog.querySelector("[data-request-created]").textContent = new Date(
    chat.created_at,
  ).toLocaleString();
  dialog.querySelector("[data-request-channel-select]").value = String(chat.channel_id);
  // The domain decides (CH-20): a request addressed to this agent (an agent-to-agent request,
  // an invitation) is accepted or declined by them alone; a channel's owners accept the rest.
  const mayAccept = chat.status === "request" && Boolean(chat.may_accept);
  const addressedToMe = chat.status === "request" && Boolean(chat.addressed_to_me);
  dialog.querySelector("[data-request-accept-box]").hidden = !mayAccept;
  dialog.querySelector("[data-request-decline-box]").hidden = !addressedToMe;
  dialog.querySelector("[data-request-move-box]").hidden = addressedToMe;
  const created = new Date(chat.created_at);
  showWaiting(created);
  clearInterval(waitingTimer);
  waitingTimer = setInterval(() => showWaiting(created), 1000);
  showFirstMessages(chatId);
  if (!dialog.open) dialog.showModal();
}

if (dialog) {
  dialog.addEventListener("close", () => clearInterval(waitingTimer));
  dialog.querySelector("[data-request-decline]").addEventListener("click", async () => {
    const chatId = dialogChatId;
    dialog.close();
    const chat = await run(() => api("POST", `/chats/${chatId}/close`));
    if (chat) {
      requests.delete(chatId);
      renderRequests();
    }
  });
  dialog.querySelector("[data-request-accept]").addEventListener("click", async () => {
    const chatId = dialogChatId;
    dialog.close();
    const chat = await run(() => api("POST", `/chats/${chatId}/accept`));
    requests.delete(chatId);
    renderRequests();
    if (chat) addWidget(chat);
  });
  dialog.querySelector("[data-request-move]").addEventListener("click", async () => {
    const channelId = Number(dialog.querySelector("[data-request-channel-select]").value);
    const chatId = dialogChatId;
    dialog.close();
    await run(() => api("POST", `/chats/${chatId}/channel`, { channel_id: channelId }));
  });
}

// --- chat widgets ----------------------------------------------------------------------------

// Role names as the page's language says them (from the widget template).
const roleNames = JSON.parse(
  template.content.querySelector("[data-chat-role]").dataset.names || "{}",
);

function roleName(role) {
  return roleNames[role] || role;
}

function renderHeader(widget) {
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
function renderJoin(widget) {
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

async function refreshChat(widget) {
  const edits = widget.monitorEdits;
  const chat = await run(() => api("GET", `/chats/${widget.chat.id}`));
  if (chat) adoptChat(widget, chat, edits);
}

// Fresh chat data for a widget. An answer read before the agent last changed the monitor
// level carries the old level: keep the agent's choice rather than flip the switch back.
function adoptChat(widget, chat, monitorEditsBefore) {
  if (widget.monitorEdits !== monitorEditsBefore) chat.monitor = widget.chat.monitor;
  widget.chat = chat;
  renderHeader(widget);
}

function logLine(widget, event, pendingId) {
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

function appendEvent(widget, event) {
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

function bindWidget(widget) {
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

async function joinChat(chatId, role) {
  const edits = widgets.get(chatId)?.monitorEdits;
  const chat = await run(() => api("POST", `/chats/${chatId}/join`, { as: role }));
  if (!chat) return;
  const widget = widgets.get(chatId);
  if (widget) {
    adoptChat(widget, chat, edits);
  } else {
    showWidget(addWidget(chat));
  }
}

function showWidget(widget) {
  unread.view(widget.chat.id);
  widget.node.scrollIntoView({ block: "nearest" });
  if (!widget.input.disabled) widget.input.focus();
}

// The whole chat again, after the socket said it changed (accepted, closed, moved, a member
// came or went): a widget appears for a chat that has just become mine, and a request
// addressed to me shows among the open requests.
async function chatChanged(chatId) {
  const edits = widgets.get(chatId)?.monitorEdits;
  let chat;
  try {
    chat = await api("GET", `/chats/${chatId}`);
  } catch {
    return; // no longer visible to me: nothing to show
  }
  const widget = widgets.get(chatId);
  if (widget) {
    adoptChat(widget, chat, edits);
  } else if (chat.my_role && chat.status !== "closed") {
    addWidget(chat);
  }
  if (chat.status === "request" && !chat.my_role && chat.addressed_to_me) {
    requests.set(chat.id, chat);
  } else {
    requests.delete(chat.id);
  }
  renderRequests();
  for (const other of widgets.values()) {
    if (other.chat.invited_for_chat_id === chatId) renderJoin(other);
  }
}

// CH-18: new widgets go to the top or the bottom per ChatOrder; the first load keeps the
// order the list came in (already sorted per ChatOrder).
function addWidget(chat, { initial = false } = {}) {
  if (widgets.has(chat.id)) return widgets.get(chat.id);
  const node = template.content.firstElementChild.cloneNode(true);
  node.id = `chat-${chat.id}`;
  node.dataset.chatId = String(chat.id);
  const widget = {
    chat,
    node,
    input: node.querySelector("[data-chat-input]"),
    typingTimer: null,
    monitorEdits: 0, // counts the agent's monitor changes (adoptChat)
    notifyAfter: chat.last_seq || 0,
    firstMessage: null,
  };
  widgets.set(chat.id, widget);
  const prepend = chatOrder === "prepend" && !initial;
  unread.entry(chat.id, { prepend, open: () => showWidget(widget) });
  // Working in a widget (typing, reading its log by keyboard, any click that focuses) reads it.
  node.addEventListener("focusin", () => unread.view(chat.id));
  bindWidget(widget);
  renderHeader(widget);
  if (prepend) widgetsBox.prepend(node);
  else widgetsBox.append(node);
  root.querySelector("[data-chat-widgets-empty]").hidden = true;
  connection.subscribe(chat.id, 0); // the socket replays the history, then streams live
  return widget;
}

// --- the socket ------------------------------------------------------------------------------

const connection = new ChatConnection({});
const banner = root.querySelector("[data-chat-banner]");
let everOpen = false;
connection.on("status", (status) => {
  // Request and chat frames sent while the socket was down are lost (the chats' own events
  // are replayed by the socket): read the lists again on every reopen after the first.
  if (status === "open" && everOpen) loadChats();
  if (status === "open") everOpen = true;
  banner.hidden = status === "open" || !everOpen;
});
connection.on("event", (frame) => {
  const widget = widgets.get(frame.chat_id);
  if (widget) appendEvent(widget, frame.event);
});
connection.on("request.new", (frame) => {
  if (singleChat) return;
  requests.set(frame.chat.id, frame.chat);
  renderRequests();
  notify(frame.chat.requester_name, frame.chat.channel_name, { requestId: frame.chat.id });
});
connection.on("chat.changed", (frame) => {
  if (singleChat && frame.chat_id !== singleChat) return;
  chatChanged(frame.chat_id);
});
connection.on("request.gone", (frame) => {
  requests.delete(frame.chat.id);
  renderRequests();
});
connection.on("error", (frame) => {
  showError(new Error(frame.message || frame.code));
  if (frame.client_message_id) {
    root.querySelector(`[data-pending="${CSS.escape(frame.client_message_id)}"]`)?.remove();
  }
});

// The requests and my chats as the server has them now. Run at start and after a network cut:
// a widget already shown is updated in place (its draft stays), not added twice.
async function loadChats({ initial = false } = {}) {
  const edits = new Map([...widgets].map(([id, widget]) => [id, widget.monitorEdits]));
  const showChat = (chat) => {
    const widget = widgets.get(chat.id);
    if (widget) adoptChat(widget, chat, edits.get(chat.id));
    else addWidget(chat, { initial });
  };
  if (singleChat) {
    const chat = await run(() => api("GET", `/chats/${singleChat}`));
    if (chat) showChat(chat);
    return;
  }
  const [open, active] = await Promise.all([
    run(() => api("GET", "/chats?status=request&limit=100")),
    run(() => api("GET", "/chats?status=active&limit=100")),
  ]);
  const listed = new Set();
  if (open) {
    requests.clear();
    for (const chat of open.items) {
      listed.add(chat.id);
      // My own requests (to an agent or a customer) wait as widgets for the other side.
      if (chat.my_role) showChat(chat);
      else requests.set(chat.id, chat);
    }
    renderRequests();
  }
  for (const chat of (active && active.items) || []) {
    listed.add(chat.id);
    if (chat.my_role) showChat(chat);
  }
  for (const widget of widgets.values()) {
    // Closed during the cut: show what became of it.
    const gone = open && active && !listed.has(widget.chat.id);
    if (gone && widget.chat.status !== "closed") refreshChat(widget);
    renderJoin(widget);
  }
}

async function start() {
  connection.connect();
  await loadChats({ initial: true });
  showLinkedTarget();
}

// /agent/chat#chat-N (after starting a chat) or #request-N (from a notification elsewhere).
function showLinkedTarget() {
  const [, kind, id] = /^#(chat|request)-(\d+)$/.exec(window.location.hash) || [];
  if (kind === "chat" && widgets.has(Number(id))) showWidget(widgets.get(Number(id)));
  if (kind === "request" && requests.has(Number(id))) openRequest(Number(id));
}

start();
