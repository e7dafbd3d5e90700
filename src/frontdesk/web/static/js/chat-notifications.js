// Chat request notifications on every agent page but the chat manager (CH-17): the number of
// open requests in the menu badge and the tab title, a short sound and a browser notification
// for each new request; a click on it opens the request in the chat manager.
// Loaded with the toolbar's availability switch, so only while the chat is switched on. The
// chat manager (and its pop-out window) keeps its own socket and does all this itself.

import { beep, showRequestCount } from "./chat-alerts.js";
import { ChatConnection } from "./realtime.js";

const openRequests = new Set(); // chat ids

function showCount() {
  showRequestCount(openRequests.size);
}

function notify(chat) {
  beep();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const note = new Notification(chat.requester_name, {
    body: chat.channel_name,
    tag: `frontdesk-chat-${chat.id}`,
  });
  note.addEventListener("click", () => {
    window.focus();
    window.location.assign(`/agent/chat#request-${chat.id}`);
  });
}

// Requests waiting now; my own requests (I am a member) wait for someone else.
async function loadOpenRequests() {
  const response = await fetch("/api/v1/chats?status=request&limit=100", {
    credentials: "same-origin",
  }).catch(() => null);
  if (!response || !response.ok) return;
  const page = await response.json().catch(() => null);
  if (!page) return;
  openRequests.clear();
  for (const chat of page.items) {
    if (!chat.my_role) openRequests.add(chat.id);
  }
  showCount();
}

function start() {
  const connection = new ChatConnection({});
  let opened = false;
  connection.on("status", (status) => {
    // After a reconnect, requests may have come and gone meanwhile.
    if (status === "open" && opened) loadOpenRequests();
    if (status === "open") opened = true;
  });
  connection.on("request.new", (frame) => {
    openRequests.add(frame.chat.id);
    showCount();
    notify(frame.chat);
  });
  connection.on("request.gone", (frame) => {
    openRequests.delete(frame.chat.id);
    showCount();
  });
  connection.connect();
  loadOpenRequests();
}

if (!document.querySelector("[data-chat-manager]")) start();
