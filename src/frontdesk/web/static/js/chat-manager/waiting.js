// How long each open request has waited ("waiting 2 min"), counted up in the browser from the
// request's created time: every few seconds, with no call to the server.

const EVERY_MS = 5000;

export function waitingMinutes(createdAt, now = Date.now()) {
  const created = new Date(createdAt).getTime();
  return Number.isFinite(created) ? Math.max(0, Math.floor((now - created) / 60000)) : 0;
}

// Fills every [data-request-waiting-since] inside `list` from its list's templates.
export function showWaitingTimes(list) {
  if (!list) return;
  const minute = list.dataset.waitingUnderMinute;
  const minutes = list.dataset.waitingTemplate;
  for (const node of list.querySelectorAll("[data-request-waiting-since]")) {
    const count = waitingMinutes(node.dataset.requestWaitingSince);
    node.textContent = count < 1 ? minute : minutes.replace("%(minutes)s", () => String(count));
  }
}

export function startWaitingClock(list) {
  if (!list) return;
  setInterval(() => showWaitingTimes(list), EVERY_MS);
}
