// The agent's chat manager (CH-18 … CH-32): open requests live, the request dialog, the agent's
// chats as widgets, and the same widget alone in a pop-out window. Every change goes through
// the chat REST API; everything shown comes from the socket (realtime.js), so the manager and a
// pop-out window of the same chat stay in sync both ways. Text is set with textContent only.
// The parts live in chat-manager/ (page, api, notify, requests, widget-view, widget-actions,
// widgets, connection); this module starts them.

import { connection, loadChats } from "./chat-manager/connection.js";
import "./chat-manager/notify.js";
import { openRequest } from "./chat-manager/requests.js";
import { requests, widgets } from "./chat-manager/page.js";
import { showWidget } from "./chat-manager/widgets.js";

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
