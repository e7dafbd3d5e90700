// The browser side of the live chat socket (WS /api/v1/ws), shared by the agent pages, the
// customer and public chat and the embeddable widget.
//
// Promises to its users:
// - reconnects with backoff and resubscribes every chat with the last seq it saw, so after a
//   network cut nothing is lost (the server replays after that seq) and nothing repeats (events
//   with seq <= the last one seen are dropped here);
// - send() answers a client_message_id at once; the message waits in an outbox until the
//   server's ack, is sent as soon as the socket is open, and is sent again with the same id after
//   a reconnect (the server stores it once). pending(chatId) lists what still waits, so a page
//   can show queued messages;
// - every frame goes to the handlers of its type ("event", "ack", "request.new",
//   "request.gone", "error", "subscribed", ...), and "status" tells "connecting" | "open" |
//   "offline".

const PING_SECONDS = 25;
const SILENCE_SECONDS = 60; // no frame for this long: the socket is dead even if not closed
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
const TYPING_EVERY_MS = 2000;
// The server closes with these when retrying cannot help.
const CLOSE_UNAUTHENTICATED = 4401;
const CLOSE_CHAT_DISABLED = 4403;

function defaultUrl() {
  const scheme = window.location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${window.location.host}/api/v1/ws`;
}

function newClientMessageId() {
  if (window.crypto && typeof window.crypto.randomUUID === "function") {
    return window.crypto.randomUUID();
  }
  // randomUUID needs a secure context; plain-http installations still need unique ids.
  const random = () => Math.random().toString(36).slice(2, 10);
  return `${Date.now().toString(36)}-${random()}-${random()}`;
}

export class ChatConnection {
  constructor({ url, token } = {}) {
    const base = url || defaultUrl();
    this.url = token ? `${base}${base.includes("?") ? "&" : "?"}token=${encodeURIComponent(token)}` : base;
    this.socket = null;
    this.status = "offline";
    this.handlers = new Map();
    this.seqs = new Map(); // chat id → last stored seq seen
    this.followed = new Set(); // chat ids to (re)subscribe on every open
    this.outbox = new Map(); // client_message_id → {chat_id, text}, in sending order
    this.lastTyping = new Map();
    this.attempt = 0;
    this.retryTimer = null;
    this.pingTimer = null;
    this.lastFrameAt = 0;
    this.stopped = false;
    this.onOnline = () => this.reconnectNow();
    this.onOffline = () => this.dropSocket();
    window.addEventListener("online", this.onOnline);
    window.addEventListener("offline", this.onOffline);
  }

  on(type, handler) {
    if (!this.handlers.has(type)) this.handlers.set(type, new Set());
    this.handlers.get(type).add(handler);
    return () => this.handlers.get(type).delete(handler);
  }

  emit(type, payload) {
    for (const handler of this.handlers.get(type) || []) {
      try {
        handler(payload);
      } catch (error) {
        console.error(error); // one broken handler must not stop the others
      }
    }
  }

  setStatus(status) {
    if (this.status === status) return;
    this.status = status;
    this.emit("status", status);
  }

  connect() {
    this.stopped = false;
    if (this.socket) return;
    clearTimeout(this.retryTimer);
    this.setStatus("connecting");
    let socket;
    try {
      socket = new WebSocket(this.url);
    } catch (error) {
      console.error(error);
      this.scheduleRetry();
      return;
    }
    this.socket = socket;
    socket.addEventListener("open", () => {
      if (this.socket !== socket) return;
      this.attempt = 0;
      this.lastFrameAt = Date.now();
      this.setStatus("open");
      for (const chatId of this.followed) this.sendSubscribe(chatId);
      for (const [clientMessageId, message] of this.outbox) {
        this.write({ type: "message", ...message, client_message_id: clientMessageId });
      }
      this.startPing();
    });
    socket.addEventListener("message", (message) => {
      if (this.socket !== socket) return;
      this.lastFrameAt = Date.now();
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame && typeof frame === "object") this.receive(frame);
    });
    socket.addEventListener("close", (closing) => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopPing();
      if (closing.code === CLOSE_UNAUTHENTICATED || closing.code === CLOSE_CHAT_DISABLED) {
        this.stopped = true;
        this.setStatus("offline");
        const code = closing.code === CLOSE_UNAUTHENTICATED ? "unauthenticated" : "chat_disabled";
        this.emit("error", { type: "error", code, message: closing.reason });
        return;
      }
      this.scheduleRetry();
    });
  }

  receive(frame) {
    if (frame.type === "event") {
      const seq = frame.seq;
      if (typeof seq === "number") {
        const last = this.seqs.get(frame.chat_id) || 0;
        if (seq <= last) return; // replayed or doubled: already shown
        this.seqs.set(frame.chat_id, seq);
      }
    } else if (frame.type === "ack") {
      this.outbox.delete(frame.client_message_id);
    } else if (frame.type === "error" && frame.client_message_id) {
      // Refused for good (chat closed, too long, ...): resending would fail the same way.
      this.outbox.delete(frame.client_message_id);
    } else if (frame.type === "pong") {
      return;
    }
    this.emit(frame.type, frame);
  }

  write(frame) {
    if (!this.socket || this.socket.readyState !== WebSocket.OPEN) return false;
    this.socket.send(JSON.stringify(frame));
    return true;
  }

  sendSubscribe(chatId) {
    this.write({ type: "subscribe", chat_id: chatId, after_seq: this.seqs.get(chatId) || 0 });
  }

  subscribe(chatId, afterSeq = 0) {
    const last = this.seqs.get(chatId) || 0;
    if (afterSeq > last) this.seqs.set(chatId, afterSeq);
    this.followed.add(chatId);
    this.sendSubscribe(chatId);
  }

  unsubscribe(chatId) {
    this.followed.delete(chatId);
    this.write({ type: "unsubscribe", chat_id: chatId });
  }

  send(chatId, text) {
    const clientMessageId = newClientMessageId();
    this.outbox.set(clientMessageId, { chat_id: chatId, text });
    this.write({ type: "message", chat_id: chatId, text, client_message_id: clientMessageId });
    return clientMessageId;
  }

  pending(chatId) {
    const waiting = [];
    for (const [clientMessageId, message] of this.outbox) {
      if (chatId === undefined || message.chat_id === chatId) {
        waiting.push({ client_message_id: clientMessageId, ...message });
      }
    }
    return waiting;
  }

  typing(chatId) {
    const now = Date.now();
    if (now - (this.lastTyping.get(chatId) || 0) < TYPING_EVERY_MS) return;
    if (this.write({ type: "typing", chat_id: chatId })) this.lastTyping.set(chatId, now);
  }

  lastSeq(chatId) {
    return this.seqs.get(chatId) || 0;
  }

  scheduleRetry() {
    this.setStatus("offline");
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    const ceiling = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.attempt);
    this.attempt += 1;
    const delay = ceiling / 2 + Math.random() * (ceiling / 2);
    this.retryTimer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.stopped || this.socket) return;
    this.attempt = 0;
    this.connect();
  }

  // Forget the current socket at once (browser went offline, or it fell silent): waiting for
  // the TCP timeout would keep the page "open" while nothing arrives.
  dropSocket() {
    const socket = this.socket;
    if (!socket) return;
    this.socket = null;
    this.stopPing();
    try {
      socket.close();
    } catch {
      // already closing
    }
    this.scheduleRetry();
  }

  startPing() {
    this.stopPing();
    this.pingTimer = setInterval(() => {
      if (Date.now() - this.lastFrameAt > SILENCE_SECONDS * 1000) {
        this.dropSocket();
        return;
      }
      this.write({ type: "ping" });
    }, PING_SECONDS * 1000);
  }

  stopPing() {
    clearInterval(this.pingTimer);
    this.pingTimer = null;
  }

  close() {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    window.removeEventListener("online", this.onOnline);
    window.removeEventListener("offline", this.onOffline);
    const socket = this.socket;
    this.socket = null;
    this.stopPing();
    if (socket) socket.close();
    this.setStatus("offline");
  }
}
