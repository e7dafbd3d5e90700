// What every chat log shows around a message: its time (UTC in datetime, the reader's local
// time as text, the exact moment in the title), the author's initials as an avatar, and the
// grouping of one author's messages in a row. Shared by the agent's chat manager, the public
// chat (and so the widget) and the customer's chat page. Text is set with textContent only.

// Messages of one author closer than this follow each other without repeating the name.
export const GROUP_MS = 5 * 60 * 1000;

const LOCALE = document.documentElement.lang || undefined;
const SHORT = new Intl.DateTimeFormat(LOCALE, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const EXACT = new Intl.DateTimeFormat(LOCALE, {
  year: "numeric",
  month: "long",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
  timeZoneName: "short",
});

function element(tag, className, text) {
  const node = document.createElement(tag);
  node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// Shows `at` (an ISO time; now when the server has not stored the message yet) in `time`.
export function setTime(time, at) {
  const date = at ? new Date(at) : new Date();
  if (Number.isNaN(date.getTime())) return;
  time.dateTime = date.toISOString();
  time.textContent = SHORT.format(date);
  time.title = EXACT.format(date);
}

export function timeElement(at) {
  const time = element("time", "chat-time");
  setTime(time, at);
  return time;
}

export function initials(name) {
  const words = String(name || "").trim().split(/\s+/).filter(Boolean);
  const letters = words.slice(0, 2).map((word) => Array.from(word)[0]);
  return letters.join("").toLocaleUpperCase(LOCALE) || "?";
}

export function authorKey(author) {
  const who = author || {};
  return `${who.kind || ""}:${who.id ?? ""}:${who.name || ""}`;
}

// Does a message of `key` at `at` continue the group `previous` (the log's last line) began?
function continues(previous, key, at) {
  if (!previous || !previous.dataset.authorKey || previous.dataset.authorKey !== key) return false;
  const before = Number(previous.dataset.at);
  const now = at ? new Date(at).getTime() : Date.now();
  return Number.isFinite(before) && Math.abs(now - before) <= GROUP_MS;
}

// A message line for `log`: `name` as the reader should see it, `text` the message.
// The first line of a group shows the avatar and the name; the ones after it only a hidden
// name, so a screen reader still hears who wrote each announced message.
// `key` says who wrote it (authorKey(author), or one fixed key for the reader's own messages).
export function messageLine(log, { key, name, text, at, lineClass, authorClass, textTag }) {
  const item = element("li", lineClass);
  const grouped = continues(log.lastElementChild, key, at);
  item.dataset.authorKey = key;
  item.dataset.at = String(at ? new Date(at).getTime() : Date.now());
  const head = element("span", "chat-line-head");
  if (grouped) {
    item.classList.add("chat-grouped");
    head.append(element("span", "visually-hidden", `${name}: `));
  } else {
    const avatar = element("span", "chat-avatar", initials(name));
    avatar.setAttribute("aria-hidden", "true");
    head.append(avatar, element("strong", authorClass, name));
  }
  head.append(" ", timeElement(at));
  item.append(head, element(textTag || "span", "chat-text", text || ""));
  return item;
}
