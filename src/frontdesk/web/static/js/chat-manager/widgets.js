// The agent's chats as widgets: adding one (CH-18: at the top or the bottom per ChatOrder),
// showing it, joining a chat, and taking in a chat the socket said changed.

import { api, run } from "./api.js";
import { connection } from "./connection.js";
import { chatOrder, requests, root, template, unread, widgets, widgetsBox } from "./page.js";
import { renderRequests } from "./requests.js";
import { bindWidget } from "./widget-actions.js";
import { adoptChat, renderHeader, renderJoin } from "./widget-view.js";

export async function joinChat(chatId, role) {
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

export function showWidget(widget) {
  unread.view(widget.chat.id);
  widget.node.scrollIntoView({ block: "nearest" });
  if (!widget.input.disabled) widget.input.focus();
}

// The whole chat again, after the socket said it changed (accepted, closed, moved, a member
// came or went): a widget appears for a chat that has just become mine, and a request
// addressed to me shows among the open requests.
export async function chatChanged(chatId) {
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
export function addWidget(chat, { initial = false } = {}) {
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
