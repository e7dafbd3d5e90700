// One conversation as a customer or public user sees it: the message log (an ARIA live region),
// the composer (Enter sends, Shift+Enter adds a line), the typing line, the reconnect banner and
// the closed notice. Used by the public chat page (and so the embeddable widget) and the
// customer's chat page. Text is always set with textContent: a message is never markup.

import { authorKey, messageLine, setTime } from "./chat-lines.js";

const TYPING_SHOWN_MS = 4000;

export function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => (key in values ? values[key] : ""));
}

export class ChatView {
  constructor(root, { connection, chatId, selfKind, strings }) {
    this.root = root;
    this.connection = connection;
    this.chatId = chatId;
    this.selfKind = selfKind; // "visitor" or "customer": the author kind of this reader
    this.strings = strings;
    this.log = root.querySelector("[data-chat-log]");
    this.banner = root.querySelector("[data-chat-banner]");
    this.typingLine = root.querySelector("[data-chat-typing]");
    this.closedNotice = root.querySelector("[data-chat-closed]");
    this.waiting = root.querySelector("[data-chat-waiting]");
    this.noAgent = root.querySelector("[data-chat-no-agent]");
    this.composer = root.querySelector("[data-chat-composer]");
    this.input = root.querySelector("[data-chat-input]");
    this.typingTimer = null;
    this.onClosed = () => {};
    this.bind();
  }

  bind() {
    const chatId = this.chatId;
    this.connection.on("event", (frame) => {
      if (frame.chat_id === chatId) this.show(frame.event);
    });
    this.connection.on("ack", (frame) => this.markSent(frame.client_message_id));
    this.connection.on("error", (frame) => {
      if (frame.client_message_id) this.markFailed(frame.client_message_id, frame.message);
      else if (frame.code === "chat_closed") this.close();
    });
    this.connection.on("status", (status) => this.showStatus(status));
    this.composer.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.send();
      }
    });
    this.input.addEventListener("input", () => this.connection.typing(chatId));
  }

  start(status) {
    if (this.waiting) this.waiting.hidden = status !== "request";
    if (status === "closed") this.close();
    this.connection.subscribe(this.chatId, 0);
    this.connection.connect();
  }

  send() {
    const text = this.input.value;
    if (!text.trim() || this.input.disabled) return;
    const clientMessageId = this.connection.send(this.chatId, text);
    const item = this.bubble({ kind: "message", text, author: { kind: this.selfKind } });
    item.dataset.clientMessageId = clientMessageId;
    item.classList.add("pending");
    if (this.connection.status !== "open") this.note(item, this.strings.queued);
    this.input.value = "";
    this.input.focus();
  }

  pendingItem(clientMessageId) {
    if (!clientMessageId) return null;
    for (const item of this.log.querySelectorAll("li.pending")) {
      if (item.dataset.clientMessageId === clientMessageId) return item;
    }
    return null;
  }

  markSent(clientMessageId) {
    const item = this.pendingItem(clientMessageId);
    if (!item) return;
    item.classList.remove("pending");
    item.querySelector(".chat-note")?.remove();
  }

  markFailed(clientMessageId, reason) {
    const item = this.pendingItem(clientMessageId);
    if (!item) return;
    item.classList.remove("pending");
    item.classList.add("failed");
    this.note(item, fill(this.strings.failed, { reason: reason || "" }));
  }

  note(item, text) {
    let note = item.querySelector(".chat-note");
    if (!note) {
      note = document.createElement("small");
      note.className = "chat-note";
      item.append(note);
    }
    note.textContent = text;
  }

  show(event) {
    const author = event.author || {};
    if (event.kind === "typing") {
      if (author.kind === this.selfKind) return;
      this.typingLine.textContent = fill(this.strings.typing, { name: author.name || "" });
      clearTimeout(this.typingTimer);
      this.typingTimer = setTimeout(() => (this.typingLine.textContent = ""), TYPING_SHOWN_MS);
      return;
    }
    if (event.kind === "message") {
      if (author.kind !== this.selfKind) this.typingLine.textContent = "";
      const pending = this.pendingItem(event.client_message_id);
      if (pending) {
        // Our own message came back stored: it stays where it was typed, now confirmed.
        this.markSent(event.client_message_id);
        pending.dataset.seq = event.seq;
        const time = pending.querySelector("time");
        if (time && event.at) setTime(time, event.at);
        return;
      }
      this.bubble(event).dataset.seq = event.seq;
      return;
    }
    // An observer turning participant joins as far as customers can tell (CH-29, CH-30).
    const joined = event.kind === "joined" || (event.kind === "role_changed" && event.role === "participant");
    if (joined) {
      if (this.waiting) this.waiting.hidden = true;
      if (this.noAgent) this.noAgent.hidden = true;
      this.system(fill(this.strings.joined, { name: author.name || "" }));
    } else if (event.kind === "left") {
      this.system(fill(this.strings.left, { name: author.name || "" }));
    } else if (event.kind === "closed") {
      this.close(author);
    }
  }

  bubble(event) {
    const author = event.author || {};
    const mine = author.kind === this.selfKind;
    const item = messageLine(this.log, {
      key: mine ? "self" : authorKey(author),
      name: mine ? this.strings.you : author.name || "",
      text: event.text,
      at: event.at,
      lineClass: mine ? "chat-message mine" : "chat-message",
      authorClass: "chat-author",
      textTag: "p",
    });
    this.log.append(item);
    item.scrollIntoView({ block: "nearest" });
    return item;
  }

  system(text) {
    const item = document.createElement("li");
    item.className = "chat-system";
    item.textContent = text;
    this.log.append(item);
  }

  showStatus(status) {
    if (!this.banner) return;
    const offline = status === "offline" && !this.closed;
    this.banner.hidden = !offline;
    this.banner.textContent = offline ? this.strings.offline : "";
    if (offline) {
      for (const item of this.log.querySelectorAll("li.pending")) {
        this.note(item, this.strings.queued);
      }
    }
  }

  // CH-23: the notice says who ended the chat once the closing event is known (live or replayed).
  close(author) {
    if (author) this.showClosedBy(author);
    if (this.closed) return;
    this.closed = true;
    this.input.disabled = true;
    this.composer.querySelector("button").disabled = true;
    this.closedNotice.hidden = false;
    if (this.waiting) this.waiting.hidden = true;
    this.typingLine.textContent = "";
    if (this.banner) this.banner.hidden = true;
    this.onClosed();
  }

  showClosedBy(author) {
    let byLine = this.closedNotice.querySelector(".chat-closed-by");
    if (!byLine) {
      byLine = document.createElement("span");
      byLine.className = "chat-closed-by";
      this.closedNotice.append(" ", byLine);
    }
    byLine.textContent =
      author.kind === this.selfKind
        ? this.strings.closed_by_you
        : fill(this.strings.closed_by, { name: author.name || "" });
  }
}

// CH-37: while a request waits, asks the server every so often whether the "no agent available"
// text is due (CustomerThreshold is the server's to judge) and hands the answer to show().
// fetchChat answers the fetch Response. A 4xx (session gone, chat deleted) will not get better:
// the watch stops; a network failure or a 5xx is tried again next time.
export function watchForNoAgent(view, fetchChat, show, everyMs) {
  const timer = setInterval(async () => {
    if (view.closed) return clearInterval(timer);
    const response = await fetchChat().catch(() => null);
    if (response && response.status >= 400 && response.status < 500) return clearInterval(timer);
    const current = response && response.ok ? await response.json().catch(() => null) : null;
    if (!current) return;
    if (current.status !== "request") return clearInterval(timer);
    if (current.no_agent_text) {
      show(current);
      clearInterval(timer);
    }
  }, everyMs);
}
