// What a new chat request does on any agent page (CH-17): a short sound, and the number of open
// requests in the tab title and the menu badges. Shared by the chat manager and the
// notifications of the other agent pages.

const baseTitle = document.title;

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

export function showRequestCount(count) {
  document.title = count ? `(${count}) ${baseTitle}` : baseTitle;
  for (const badge of document.querySelectorAll("[data-chat-request-count]")) {
    badge.textContent = String(count);
    badge.hidden = count === 0;
  }
}
