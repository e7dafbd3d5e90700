// The public chat page (/public/chat, and the embeddable widget's frame with ?iframe=1).
// The visitor token from POST /api/v1/public/chats is kept in localStorage, so a reload or a
// second tab continues the same chat; the conversation runs over the WebSocket with ?token=.

import { ChatConnection } from "./realtime.js";
import { ChatView } from "../embed/chat-view.js";

const STORAGE_KEY = "frontdesk.publicChat";
const NO_AGENT_CHECK_MS = 30000;

const root = document.querySelector("[data-public-chat]");
const strings = JSON.parse(root.dataset.strings);
const start = root.querySelector("[data-chat-start]");
const conversation = root.querySelector("[data-chat-conversation]");

function remembered() {
  try {
    const value = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
    return value && value.token && Number.isInteger(value.chatId) ? value : null;
  } catch {
    return null; // storage blocked (privacy settings): the chat lasts as long as the page
  }
}

function remember(value) {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: nothing to keep
  }
}

function api(path, token, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (token) headers.Authorization = `Bearer ${token}`;
  return fetch(`/api/v1${path}`, { ...options, headers });
}

async function errorMessage(response, fallback) {
  try {
    const body = await response.json();
    return (body.error && body.error.message) || fallback;
  } catch {
    return fallback;
  }
}

function showNoAgent(chat) {
  const notice = root.querySelector("[data-chat-no-agent]");
  if (!chat.no_agent_text) return;
  notice.textContent = chat.no_agent_text;
  if (chat.fallback_url) {
    const link = document.createElement("a");
    link.href = chat.fallback_url;
    link.target = "_top";
    link.rel = "noopener";
    link.textContent = chat.fallback_url;
    notice.append(" ", link);
  }
  notice.hidden = false;
}

function watchForNoAgent(chat, token, view) {
  const timer = setInterval(async () => {
    if (view.closed) return clearInterval(timer);
    const response = await api(`/chats/${chat.id}`, token).catch(() => null);
    if (!response || !response.ok) return;
    const current = await response.json();
    if (current.status !== "request") return clearInterval(timer);
    if (current.no_agent_text) {
      showNoAgent(current);
      clearInterval(timer);
    }
  }, NO_AGENT_CHECK_MS);
}

async function downloadTranscript(chatId, token) {
  const response = await api(`/chats/${chatId}/transcript.pdf`, token);
  if (!response.ok) {
    window.alert(strings.pdf_failed);
    return;
  }
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = `chat-${chatId}.pdf`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function openConversation(chat, token) {
  if (start) start.hidden = true;
  conversation.hidden = false;
  const connection = new ChatConnection({ token });
  const view = new ChatView(conversation, {
    connection,
    chatId: chat.id,
    selfKind: "visitor",
    strings,
  });
  const newChat = root.querySelector("[data-chat-new]");
  const closeButton = root.querySelector("[data-chat-close]");
  view.onClosed = () => {
    closeButton.hidden = true;
    newChat.hidden = false;
  };
  closeButton.addEventListener("click", () => api(`/chats/${chat.id}/close`, token, { method: "POST" }));
  root.querySelector("[data-chat-pdf]").addEventListener("click", () => downloadTranscript(chat.id, token));
  newChat.addEventListener("click", () => {
    remember(null);
    window.location.reload();
  });
  view.start(chat.status);
  showNoAgent(chat);
  if (chat.status === "request") watchForNoAgent(chat, token, view);
  view.input.focus();
}

async function startChat(form) {
  const error = form.querySelector("[data-start-error]");
  const data = new FormData(form);
  const body = { name: data.get("name") || "", message: data.get("message") || "" };
  if (data.get("email")) body.email = data.get("email");
  if (data.get("channel_id")) body.channel_id = Number(data.get("channel_id"));
  const previous = remembered();
  const response = await api("/public/chats", previous && previous.token, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  }).catch(() => null);
  if (!response || response.status !== 201) {
    error.textContent = response ? await errorMessage(response, strings.start_failed) : strings.start_failed;
    error.hidden = false;
    return;
  }
  const answer = await response.json();
  remember({ token: answer.visitor_token, chatId: answer.chat.id });
  openConversation(answer.chat, answer.visitor_token);
}

async function resume() {
  const kept = remembered();
  if (!kept) return false;
  const response = await api(`/chats/${kept.chatId}`, kept.token).catch(() => null);
  if (!response || !response.ok) {
    if (response && (response.status === 401 || response.status === 404)) remember(null);
    return false;
  }
  openConversation(await response.json(), kept.token);
  return true;
}

const form = root.querySelector("#chat-start-form");
if (form) {
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    startChat(form);
  });
}
if (conversation) resume();
