// Live ticket lists: an element with `data-live-list` (the queue view's list) is read again from
// the server when a ticket the agent may see is created or changes, so it shows what the server
// would show on a reload, with the same sort, filters and paging — no polling.
//
// The socket (realtime.js) tells which ticket changed ("ticket.changed", only tickets the agent
// may see); this module then fetches the page's own URL and swaps the list for the fresh one.
// Bursts are coalesced: at most one fetch in flight and one queued. After a reconnect the list
// is read once, since changes may have been missed while offline. Checked rows and the focused
// row survive a swap; rows new since the last read are marked for a moment and announced in the
// page's polite live region.

import { ChatConnection } from "./realtime.js";

const HIGHLIGHT_MS = 4000;

function currentList() {
  return document.querySelector("[data-live-list]");
}

function rowIds(list) {
  return new Set(
    Array.from(list.querySelectorAll("[data-ticket-id]"), (row) => row.dataset.ticketId),
  );
}

function announce(text) {
  let region = document.getElementById("toasts");
  if (!region) {
    // Pages without a toast region get one, so screen readers still hear of the new row.
    region = document.createElement("div");
    region.id = "toasts";
    region.className = "toasts";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.append(region);
  }
  const toast = document.createElement("p");
  toast.className = "toast";
  toast.textContent = text;
  region.append(toast);
  setTimeout(() => toast.remove(), HIGHLIGHT_MS);
}

class LiveList {
  constructor(list) {
    this.inFlight = false;
    this.queued = false;
    this.known = rowIds(list);
    this.newText = list.dataset.liveNewText || "New ticket in this list: %s";
    this.hadOpen = false;
    this.connection = new ChatConnection();
    this.connection.on("status", (status) => {
      if (status !== "open") return;
      this.connection.write({ type: "tickets.follow" });
      if (this.hadOpen) this.refresh(); // back after a cut: catch up once
      this.hadOpen = true;
    });
    this.connection.on("tickets.following", () => {
      const current = currentList();
      if (current) current.dataset.liveState = "following";
    });
    this.connection.on("ticket.changed", () => this.refresh());
    this.connection.connect();
  }

  refresh() {
    if (this.inFlight) {
      this.queued = true;
      return;
    }
    this.inFlight = true;
    this.read()
      .catch((error) => console.error(error))
      .finally(() => {
        this.inFlight = false;
        if (this.queued) {
          this.queued = false;
          this.refresh();
        }
      });
  }

  async read() {
    const response = await fetch(window.location.href, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) return;
    const fresh = new DOMParser()
      .parseFromString(await response.text(), "text/html")
      .querySelector("[data-live-list]");
    const list = currentList();
    if (!fresh || !list) return;
    this.swap(list, document.importNode(fresh, true));
  }

  swap(list, fresh) {
    const checked = new Set(
      Array.from(list.querySelectorAll("[data-row-select]:checked"), (box) => box.value),
    );
    const focusedRow = document.activeElement?.closest?.("[data-ticket-id]");
    const focusedId = focusedRow && list.contains(focusedRow) ? focusedRow.dataset.ticketId : null;
    // What the agent has checked on this page wins over what the fresh page says.
    for (const box of fresh.querySelectorAll("[data-row-select]")) {
      box.checked = checked.has(box.value);
    }
    const arrived = [];
    for (const row of fresh.querySelectorAll("[data-ticket-id]")) {
      if (!this.known.has(row.dataset.ticketId)) {
        row.classList.add("row-arrived");
        arrived.push(row);
      }
    }
    fresh.dataset.liveState = list.dataset.liveState || "";
    list.replaceWith(fresh);
    this.known = rowIds(fresh);
    if (focusedId) {
      const again = fresh.querySelector(`[data-ticket-id="${CSS.escape(focusedId)}"] a`);
      if (again) again.focus({ preventScroll: true });
    }
    for (const row of arrived) {
      const title = row.querySelector("[data-row-open]") || row.querySelector("a");
      announce(this.newText.replace("%s", title ? title.textContent.trim() : ""));
      setTimeout(() => row.classList.remove("row-arrived"), HIGHLIGHT_MS);
    }
    fresh.dispatchEvent(new CustomEvent("live-list:updated", { bubbles: true }));
  }
}

const list = currentList();
if (list) new LiveList(list);
