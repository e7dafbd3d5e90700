// The customer's live chat page (/customer/chats/{id}): the conversation over the WebSocket,
// authenticated by the session cookie. Replays the whole chat on load (after_seq 0), then streams.

import { ChatConnection } from "./realtime.js";
import { ChatView } from "../embed/chat-view.js";

const root = document.querySelector("[data-customer-chat]");
if (root) {
  const connection = new ChatConnection();
  const view = new ChatView(root, {
    connection,
    chatId: Number(root.dataset.chatId),
    selfKind: "customer",
    strings: JSON.parse(root.dataset.strings),
  });
  view.onClosed = () => root.querySelector("[data-chat-close]")?.remove();
  view.start(root.dataset.status);
  if (!view.input.disabled) view.input.focus();
}
