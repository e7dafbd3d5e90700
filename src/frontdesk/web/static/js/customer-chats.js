// The customer's chat list (/customer/chats): when an agent asks for a chat while the list is
// open (CH-14), a notice with a link to that chat appears without a reload. Each time the socket
// opens, the open requests are read once too, so one that came before (or during a network
// cut) is not missed.

import { ChatConnection } from "./realtime.js";

const notices = document.querySelector("[data-chat-invitations]");
if (notices) {
  const known = new Set(
    [...document.querySelectorAll("form[action$='/accept']")].map((form) =>
      Number(form.getAttribute("action").split("/")[3]),
    ),
  );

  const announce = (chat) => {
    // The domain says whom a request waits for (CH-14); an own request waits for an agent.
    if (!chat.addressed_to_me || chat.status !== "request") return;
    if (!Number.isInteger(chat.id) || known.has(chat.id)) return;
    known.add(chat.id);
    const line = document.createElement("p");
    const link = document.createElement("a");
    link.href = `/customer/chats/${chat.id}`;
    link.textContent = notices.dataset.link.replace("{number}", String(chat.id));
    line.append(notices.dataset.text, " ", link);
    notices.append(line);
    notices.hidden = false;
  };

  const connection = new ChatConnection();
  connection.on("request.new", (frame) => announce(frame.chat || {}));
  connection.on("status", async (status) => {
    if (status !== "open") return;
    const response = await fetch("/api/v1/chats?status=request", { credentials: "same-origin" })
      .catch(() => null);
    if (!response || !response.ok) return;
    const page = await response.json().catch(() => null);
    for (const chat of (page && page.items) || []) announce(chat);
  });
  connection.connect();
}
