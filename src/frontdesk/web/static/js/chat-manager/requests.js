// Open requests (CH-19, CH-20): the live list, and the dialog that shows a request's details
// and first messages and accepts, declines or moves it.

import { showRequestCount } from "../chat-alerts.js";
import { api, el, run, showError } from "./api.js";
import { dialog, requestList, requests, root } from "./page.js";
import { showWaitingTimes } from "./waiting.js";
import { addWidget } from "./widgets.js";

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

export function renderRequests() {
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

export function openRequest(chatId) {
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
