// Notifications (CH-17, CH-24): the sound switch, the offer to allow desktop notifications,
// and notify(), whose click shows the chat or request it was about.

import { beep } from "../chat-alerts.js";
import { openRequest } from "./requests.js";
import { bindSoundSwitch } from "./sound.js";
import { startWaitingClock } from "./waiting.js";
import { requestList, requests, root, widgets } from "./page.js";
import { showWidget } from "./widgets.js";

bindSoundSwitch(root.querySelector("[data-chat-sound]"));
startWaitingClock(requestList);

const notifyOffer = root.querySelector("[data-chat-notify-offer]");
if ("Notification" in window && Notification.permission === "default") {
  notifyOffer.hidden = false;
  root.querySelector("[data-chat-notify-enable]").addEventListener("click", async () => {
    await Notification.requestPermission();
    notifyOffer.hidden = true;
  });
}

// A click brings this window forward and shows what the notification was about: the chat's
// widget, or the request's details.
export function notify(title, body, { chatId = null, requestId = null } = {}) {
  beep();
  if (!("Notification" in window) || Notification.permission !== "granted") return;
  const tag = `frontdesk-chat-${chatId || requestId || "request"}`;
  const note = new Notification(title, { body, tag });
  note.addEventListener("click", () => {
    window.focus();
    if (chatId && widgets.has(chatId)) showWidget(widgets.get(chatId));
    if (requestId && requests.has(requestId)) openRequest(requestId);
  });
}
