// The public chat page (/public/chat, and the embeddable widget's frame with ?iframe=1).
// The visitor token from POST /api/v1/public/chats is kept in localStorage, so a reload or a
// second tab continues the same chat; the conversation runs over the WebSocket with ?token=.
// In the widget's frame on another site the browser may refuse that storage (third-party
// storage blocked), so the loader keeps the token in the host page's storage too: the frame
// reports it with postMessage and gets it back in its address's fragment (#visitor=...).
// The frame tells only its own parent, and only after the parent said hello: the answer goes
// to the origin the hello came from, never to whatever page happens to hold the frame.

import { ChatConnection } from "./realtime.js";
import { ChatView, watchForNoAgent } from "../embed/chat-view.js";

const STORAGE_KEY = "frontdesk.publicChat";
const NO_AGENT_CHECK_MS = 30000;
const IN_FRAME = window.parent !== window;

const root = document.querySelector("[data-public-chat]");
const strings = JSON.parse(root.dataset.strings);
const start = root.querySelector("[data-chat-start]");
const conversation = root.querySelector("[data-chat-conversation]");

function valid(value) {
  return value && typeof value.token === "string" && Number.isInteger(value.chatId) ? value : null;
}

function keptByHost() {
  const match = /^#visitor=(.+)$/.exec(window.location.hash);
  try {
    return match ? valid(JSON.parse(decodeURIComponent(match[1]))) : null;
  } catch {
    return null;
  }
}

function remembered() {
  try {
    const value = valid(JSON.parse(localStorage.getItem(STORAGE_KEY) || "null"));
    if (value) return value;
  } catch {
    // storage blocked (privacy settings): only the host page may keep it
  }
  return keptByHost();
}

function remember(value) {
  try {
    if (value) localStorage.setItem(STORAGE_KEY, JSON.stringify(value));
    else localStorage.removeItem(STORAGE_KEY);
  } catch {
    // storage blocked: the host page keeps it, if there is one
  }
  tellHost({ frontdeskChat: "remember", value });
}

// The loader's origin, learnt from its hello. The parent may embed this page only if
// AllowedOrigins lets it (frame-ancestors), and the token is the one of the chat the visitor
// started on that page.
let hostOrigin = null;
let untold = null; // the last message for the host before its hello

function tellHost(message) {
  if (!IN_FRAME) return;
  if (hostOrigin) window.parent.postMessage(message, hostOrigin);
  else if (message.frontdeskChat === "remember") untold = message;
}

if (IN_FRAME) {
  window.addEventListener("message", (event) => {
    if (event.source !== window.parent || !event.data || event.data.frontdeskChat !== "hello") {
      return;
    }
    hostOrigin = event.origin;
    if (untold) window.parent.postMessage(untold, hostOrigin);
    untold = null;
  });
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
  // The widget's own fallback address (its configuration, CH-42) wins over the server's.
  const fallback = root.dataset.widgetFallback || chat.fallback_url;
  if (fallback) {
    const link = document.createElement("a");
    link.href = fallback;
    link.target = "_top";
    link.rel = "noopener";
    link.textContent = fallback;
    notice.append(" ", link);
  }
  notice.hidden = false;
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
    window.location.replace(window.location.pathname + window.location.search);
  });
  view.start(chat.status);
  showNoAgent(chat);
  if (chat.status === "request" && !chat.no_agent_text) {
    const fetchChat = () => api(`/chats/${chat.id}`, token);
    watchForNoAgent(view, fetchChat, showNoAgent, NO_AGENT_CHECK_MS);
  }
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

// Escape inside the widget's frame closes the widget: the loader on the host page listens.
if (IN_FRAME) {
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") tellHost({ frontdeskChat: "close" });
  });
}
