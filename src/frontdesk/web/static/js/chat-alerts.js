// What a new chat request does on any agent page (CH-17): a short sound (only when the agent
// switched sound on in the chat manager; kept in this browser), and the number of open
// requests in the tab title and the menu badges. Shared by the chat manager and the
// notifications of the other agent pages. The chat manager adds its unread messages to the
// title's number.

const baseTitle = document.title;
let requestCount = 0;
let unreadCount = 0;

const SOUND_KEY = "frontdesk.chatSound";

export function soundOn() {
  try {
    return localStorage.getItem(SOUND_KEY) === "on";
  } catch {
    return false; // storage blocked: the default, silence
  }
}

export function setSound(on) {
  try {
    localStorage.setItem(SOUND_KEY, on ? "on" : "off");
  } catch {
    // storage blocked: the switch holds for this page only
  }
}

// A short tone made by WebAudio: no sound file to fetch.
export function beep() {
  if (!soundOn()) return;
  try {
    const audio = new AudioContext();
    const tone = audio.createOscillator();
    const volume = audio.createGain();
    tone.frequency.value = 880;
    volume.gain.value = 0.2;
    tone.connect(volume).connect(audio.destination);
    tone.start();
    tone.stop(audio.currentTime + 0.15);
    tone.addEventListener("ended", () => audio.close());
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
