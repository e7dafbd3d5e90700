// The chat manager's sound switch: a toggle button (aria-pressed) whose state this browser
// remembers; beep() in chat-alerts.js asks it before it plays.

import { setSound, soundOn } from "../chat-alerts.js";

export function bindSoundSwitch(button) {
  if (!button) return;
  const show = () => button.setAttribute("aria-pressed", String(soundOn()));
  button.addEventListener("click", () => {
    setSound(!soundOn());
    show();
  });
  // Another tab of this browser may switch it too.
  window.addEventListener("storage", show);
  show();
  button.closest("[data-chat-sound-box]").hidden = false;
}
