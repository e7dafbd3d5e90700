// The socket (realtime.js) and what it brings: chat events, new and gone requests, changed
// chats, errors; and loadChats(), which reads the requests and chats again at start and after
// every reconnect.

import { ChatConnection } from "../realtime.js";
import { api, run, showError } from "./api.js";
import { notify } from "./notify.js";
import { requests, root, singleChat, widgets } from "./page.js";
import { renderRequests } from "./requests.js";
import { adoptChat, appendEvent, refreshChat, renderJoin } from "./widget-view.js";
import { addWidget, chatChanged } from "./widgets.js";

export const connection = new ChatConnection({});
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
export async function loadChats({ initial = false } = {}) {
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
