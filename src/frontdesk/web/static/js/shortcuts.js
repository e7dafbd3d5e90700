// Keyboard shortcuts of the agent interface, loaded on every agent page by layout/agent.html.
//
//   ?        the list of shortcuts (the `[data-shortcuts-dialog]` dialog; Esc closes it)
//   /        the search field of the top bar (`[data-search-field]`)
//   g d/q/c  go to the dashboard, the queue view, the chat
//   j / k    next / previous row of a ticket list (`[data-list-row]`)
//   x        check or uncheck the current row's `[data-row-select]` box
//   Enter    open the current row (its `[data-row-open]` link)
//   KEY      click the element with `data-shortcut="KEY"` (e.g. the zoom's n, o, s, m)
//
// Nothing fires while the agent types in a field or holds Ctrl, Alt or Meta, so the browser's
// and the screen reader's own keys keep working. Lists swapped by ticket-list-live.js
// (`live-list:updated`) keep their current row.

const SEQUENCE_MS = 1500;
const GO_TO = { d: "/agent", q: "/agent/queues", c: "/agent/chat" };
const NOT_TYPED = new Set(["checkbox", "radio", "button", "submit", "reset", "range", "color", "file"]);

let pendingGo = false;
let pendingTimer = null;
let currentId = null;

function typingIn(target) {
  if (!(target instanceof Element)) return false;
  if (target.isContentEditable) return true;
  const tag = target.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NOT_TYPED.has((target.type || "text").toLowerCase());
  return false;
}

function dialog() {
  return document.querySelector("[data-shortcuts-dialog]");
}

function rows() {
  return Array.from(document.querySelectorAll("[data-list-row]"));
}

function currentRow() {
  if (currentId === null) return null;
  return rows().find((row) => row.dataset.ticketId === currentId) || null;
}

function mark(row, { focus }) {
  for (const other of document.querySelectorAll("[data-list-row].row-current")) {
    if (other === row) continue;
    other.classList.remove("row-current");
    other.removeAttribute("aria-current");
  }
  row.classList.add("row-current");
  row.setAttribute("aria-current", "true");
  currentId = row.dataset.ticketId ?? null;
  if (!focus) return;
  row.scrollIntoView({ block: "nearest" });
  const link = row.querySelector("[data-row-open]");
  if (link) link.focus({ preventScroll: true });
}

function move(step) {
  const all = rows();
  if (all.length === 0) return false;
  const index = all.indexOf(currentRow());
  const next = index === -1 ? 0 : Math.min(Math.max(index + step, 0), all.length - 1);
  mark(all[next], { focus: true });
  return true;
}

function toggleSelection() {
  const box = currentRow()?.querySelector("[data-row-select]");
  if (!box || box.disabled) return false;
  box.click(); // a click, not `checked = …`: change listeners see it as the agent's choice
  return true;
}

function openCurrent() {
  const row = currentRow();
  const link = row?.querySelector("[data-row-open]");
  if (!link) return false;
  const active = document.activeElement;
  // Enter on another control (a button, a link elsewhere) does that control's own thing.
  if (active && active !== document.body && active !== link && !row.contains(active)) return false;
  link.click();
  return true;
}

function clickShortcut(key) {
  for (const element of document.querySelectorAll("[data-shortcut]")) {
    if (element.dataset.shortcut !== key) continue;
    if (element.disabled || element.closest("[hidden], [inert]")) continue;
    if (element.getClientRects().length === 0) continue; // not shown
    if (typingIn(element)) element.focus();
    else element.click();
    return true;
  }
  return false;
}

function startGo() {
  pendingGo = true;
  clearTimeout(pendingTimer);
  pendingTimer = setTimeout(() => {
    pendingGo = false;
  }, SEQUENCE_MS);
}

function handle(key) {
  if (pendingGo) {
    pendingGo = false;
    clearTimeout(pendingTimer);
    if (Object.hasOwn(GO_TO, key)) {
      window.location.assign(GO_TO[key]);
      return true;
    }
  }
  switch (key) {
    case "?": {
      const box = dialog();
      if (!box) return false;
      box.showModal();
      return true;
    }
    case "/": {
      const field = document.querySelector("[data-search-field]");
      if (!field) return false;
      field.focus();
      field.select?.();
      return true;
    }
    case "g":
      startGo();
      return true;
    case "j":
      return move(1);
    case "k":
      return move(-1);
    case "x":
      return toggleSelection();
    case "Enter":
      return openCurrent();
    default:
      return clickShortcut(key);
  }
}

document.addEventListener("keydown", (event) => {
  if (event.defaultPrevented || event.isComposing) return;
  if (event.ctrlKey || event.altKey || event.metaKey) return;
  if (typingIn(event.target)) return;
  if (document.querySelector("dialog[open]")) return; // a modal dialog owns the keys
  if (handle(event.key)) event.preventDefault();
});

// A swapped list has new row elements: mark the current ticket's row again.
document.addEventListener(
  "live-list:updated",
  () => {
    const row = currentRow();
    if (!row) return;
    const focusWasInRow = document.activeElement?.closest?.("[data-list-row]") === row;
    mark(row, { focus: focusWasInRow || document.activeElement === document.body });
  },
  true,
);
