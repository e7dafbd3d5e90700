// Native <dialog> modals of the design system (components/dialog.html): a button with
// data-dialog-open="ID" opens dialog#ID as a modal, a button with data-dialog-close closes the
// dialog it sits in. Escape closes it natively; the opener gets the focus back either way.
const openers = new WeakMap();

document.addEventListener("click", (event) => {
  const opener = event.target.closest("[data-dialog-open]");
  if (opener) {
    const dialog = document.getElementById(opener.dataset.dialogOpen);
    if (dialog instanceof HTMLDialogElement && !dialog.open) {
      openers.set(dialog, opener);
      dialog.showModal();
    }
    return;
  }
  const closer = event.target.closest("[data-dialog-close]");
  if (closer) closer.closest("dialog")?.close();
});

document.addEventListener(
  "close",
  (event) => {
    const opener = openers.get(event.target);
    if (opener && opener.isConnected) opener.focus();
  },
  true,
);
