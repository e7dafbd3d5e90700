// The ticket zoom workspace: actions open in place, relative article times stay fresh.
//
//   [data-zoom-open=NAME]    opens the <dialog data-zoom-dialog=NAME> (the header's buttons,
//                            which also carry the n/o/s/m shortcuts, and the timeline's links)
//   [data-zoom-focus]        the field an opened dialog puts the cursor in (unless one has an error)
//   [data-zoom-close]        closes its dialog; Esc does too, focus goes back to the opener
//   [data-relative-time]     <time datetime=UTC> whose text is redrawn every minute
//
// Without this module every action form is shown open in the page and posts as before.

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const RELATIVE_DAYS = 30;

const dialogs = new Map();
for (const box of document.querySelectorAll("dialog[data-zoom-dialog]")) {
  dialogs.set(box.dataset.zoomDialog, box);
}
let opener = null;

function firstField(box) {
  return (
    box.querySelector("[aria-invalid='true']") ||
    box.querySelector("[data-zoom-focus]") ||
    box.querySelector("textarea, select, input:not([type='hidden'])")
  );
}

function open(name, from) {
  const box = dialogs.get(name);
  if (!box) return false;
  if (box.open) box.close();
  opener = from || null;
  box.dataset.zoomShown = "";
  box.showModal();
  firstField(box)?.focus();
  return true;
}

for (const box of dialogs.values()) {
  box.close(); // the page's own (no-JS) open state; its close event is not the agent's
  box.addEventListener("close", () => {
    if (box.open || !("zoomShown" in box.dataset)) return;
    delete box.dataset.zoomShown;
    const back = opener || document.querySelector(`[data-zoom-open="${box.dataset.zoomDialog}"]`);
    opener = null;
    back?.focus();
  });
}
for (const element of document.querySelectorAll("[data-zoom-open][hidden], [data-zoom-close][hidden]")) {
  element.hidden = false;
}

document.addEventListener("click", (event) => {
  const trigger = event.target instanceof Element ? event.target.closest("[data-zoom-open]") : null;
  if (trigger) {
    if (open(trigger.dataset.zoomOpen, trigger)) event.preventDefault();
    return;
  }
  const close = event.target instanceof Element ? event.target.closest("[data-zoom-close]") : null;
  close?.closest("dialog")?.close();
});

// A refused action comes back with its errors: show its dialog again, at the first error.
const failed = document.querySelector("dialog[data-zoom-failed]");
if (failed) open(failed.dataset.zoomDialog, null);

// --- relative times ---------------------------------------------------------------------------

const language = document.documentElement.lang || "en";
let format = null;
try {
  format = new Intl.RelativeTimeFormat(language, { numeric: "auto" });
} catch {
  format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
}

function dayNumber(date) {
  return Math.floor((date.getTime() - date.getTimezoneOffset() * MINUTE) / DAY);
}

// The same units as the server's `ago` (frontdesk/web/relative_time.py).
function relative(moment, now) {
  const ms = now - moment;
  if (Math.abs(ms) < MINUTE) return format.format(0, "second");
  if (Math.abs(ms) < HOUR) return format.format(-Math.round(ms / MINUTE), "minute");
  if (Math.abs(ms) < DAY) return format.format(-Math.round(ms / HOUR), "hour");
  const days = dayNumber(now) - dayNumber(moment);
  if (days >= 1 && days <= RELATIVE_DAYS) return format.format(-days, "day");
  return null; // older: the server's exact date stays
}

function refresh() {
  const now = new Date();
  for (const time of document.querySelectorAll("time[data-relative-time]")) {
    const moment = new Date(time.getAttribute("datetime"));
    if (Number.isNaN(moment.getTime())) continue;
    const text = relative(moment, now);
    if (text !== null) time.textContent = text;
  }
}

setInterval(refresh, MINUTE);
