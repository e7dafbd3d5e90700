// The customer's live chat page (/customer/chats/{id}): the conversation over the WebSocket,
// authenticated by the session cookie. Replays the whole chat on load (after_seq 0), then streams.

import { ChatConnection } from "./realtime.js";
import { ChatView, watchForNoAgent } from "../embed/chat-view.js";

const NO_AGENT_CHECK_MS = 30000;

const root = document.querySelector("[data-customer-chat]");
if (root) {
  const connection = new ChatConnection();
  const chatId = Number(root.dataset.chatId);
  const view = new ChatView(root, {
    connection,
    chatId,
    selfKind: "customer",
    strings: JSON.parse(root.dataset.strings),
  });
  view.onClosed = () => {
    root.querySelector("[data-chat-close]")?.remove();
    root.querySelector("[data-chat-invitation]")?.remove();
    const noAgent = root.querySelector("[data-chat-no-agent]");
    if (noAgent) noAgent.hidden = true;
  };
  view.start(root.dataset.status);
  if (!view.input.disabled) view.input.focus();

  // CH-37: the "no agent available" text appears while the customer waits on this page.
  const noAgent = root.querySelector("[data-chat-no-agent]");
  if (noAgent && noAgent.hidden) {
    const fetchChat = () => fetch(`/api/v1/chats/${chatId}`, { credentials: "same-origin" });
    watchForNoAgent(view, fetchChat, (chat) => {
      noAgent.querySelector("[data-chat-no-agent-text]").textContent = chat.no_agent_text;
      noAgent.hidden = false;
    }, NO_AGENT_CHECK_MS);
  }
}
