// What a new chat request does on any agent page (CH-17): a short sound, and the number of open
// requests in the tab title and the menu badges. Shared by the chat manager and the
// notifications of the other agent pages. The chat manager adds its unread messages to the
// title's number.

const baseTitle = document.title;
let requestCount = 0;
let unreadCount = 0;

export function beep() {
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    tone.frequency.value = 880;
    tone.connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
  } catch {
    // no sound is no reason to fail
  }
}

function showTitle() {
  const count = requestCount + unreadCount;
  document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
}

export function showRequestCount(count) {
  requestCount = count;
  showTitle();
  for (const badge of document.querySelectorAll("[data-chat-request-count]")) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
}

export function showUnreadCount(count) {
  unreadCount = count;
  showTitle();
}
