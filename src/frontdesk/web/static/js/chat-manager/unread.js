// Unread messages per chat (the chat manager's chat list): a new message from someone else
// counts while the agent is not looking at its chat — another chat is the one they work in, or
// the tab is hidden. Working in a chat (focus inside its widget) or opening it from the list
// reads it. The total goes to the tab title beside the open requests (chat-alerts.js).

import { showUnreadCount } from "../chat-alerts.js";

export class UnreadCounts {
  constructor(list) {
    this.list = list; // the <ul> of the chat list, or null in a pop-out window
    this.counts = new Map(); // chat id → unread messages
    this.entries = new Map(); // chat id → list entry
    this.viewed = null; // the chat the agent is in
    this.template = list ? list.dataset.unreadTemplate : "%(count)s unread";
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden && this.viewed !== null) this.read(this.viewed);
    });
  }

  // The list entry of a chat, created on first use at the list's top or bottom.
  entry(chatId, { prepend = false, open = () => {} } = {}) {
    if (!this.list) return null;
    let item = this.entries.get(chatId);
    if (item) return item;
    item = document.createElement("li");
    item.className = "chat-list-entry";
    const link = document.createElement("a");
    link.href = `#chat-${chatId}`;
    link.dataset.chatListOpen = String(chatId);
    link.addEventListener("click", (event) => {
      event.preventDefault();
      open();
      this.view(chatId);
    });
    const badge = document.createElement("span");
    badge.className = "badge chat-unread";
    badge.dataset.chatUnread = String(chatId);
    badge.hidden = true;
    const number = document.createElement("span");
    number.setAttribute("aria-hidden", "true");
    const words = document.createElement("span");
    words.className = "visually-hidden";
    badge.append(number, words);
    link.append(document.createElement("span"), " ", badge);
    item.append(link);
    if (prepend) this.list.prepend(item);
    else this.list.append(item);
    this.entries.set(chatId, item);
    return item;
  }

  title(chatId, text) {
    const item = this.entries.get(chatId);
    if (item) item.querySelector("a > span:first-child").textContent = text;
  }

  view(chatId) {
    this.viewed = chatId;
    for (const [id, item] of this.entries) {
      const link = item.querySelector("a");
      if (id === chatId) link.setAttribute("aria-current", "true");
      else link.removeAttribute("aria-current");
    }
    if (!document.hidden) this.read(chatId);
  }

  // A new message from someone else arrived in this chat.
  arrived(chatId) {
    if (!document.hidden && this.viewed === chatId) return;
    this.counts.set(chatId, (this.counts.get(chatId) || 0) + 1);
    this.show(chatId);
  }

  read(chatId) {
    if (!this.counts.get(chatId)) return;
    this.counts.delete(chatId);
    this.show(chatId);
  }

  show(chatId) {
    const count = this.counts.get(chatId) || 0;
    const badge = this.entries.get(chatId)?.querySelector("[data-chat-unread]");
    if (badge) {
      badge.hidden = count === 0;
      badge.firstChild.textContent = String(count);
      badge.lastChild.textContent = this.template.replace("%(count)s", () => String(count));
    }
    let total = 0;
    for (const value of this.counts.values()) total += value;
    showUnreadCount(total);
  }
}
