// The chat manager's page: its root element and settings, the parts every module finds in it,
// and the shared state (open requests, widgets, unread counts).

import { UnreadCounts } from "./unread.js";

export const root = document.querySelector("[data-chat-manager]");
export const csrf = root.dataset.csrf;
export const agentId = Number(root.dataset.agentId);
export const agentName = root.dataset.agentName || "";
export const singleChat = Number(root.dataset.singleChat) || null;
export const template = document.querySelector("[data-chat-widget-template]");
export const widgetsBox = root.querySelector("[data-chat-widgets]");
export const requestList = root.querySelector("[data-chat-requests]");
export const dialog = root.querySelector("[data-request-dialog]");
export const errorBox = root.querySelector("[data-chat-error]");
export const chatOrder = root.dataset.chatOrder === "append" ? "append" : "prepend";
export const requests = new Map(); // chat id → summary
export const widgets = new Map(); // chat id → widget state
export const unread = new UnreadCounts(root.querySelector("[data-chat-list]"));
if (singleChat) unread.view(singleChat);
