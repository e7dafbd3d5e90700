// The SLA selection dialog of the customer's new-ticket form (spec §9): picking an SLA that
// carries a message asks for confirmation first; cancel goes back to the previous choice.
// The messages travel as data-dialog-message attributes of the options, so an SLA list the page
// reloads after a service change works the same way. Text is set with textContent: never markup.

const dialog = document.querySelector("[data-sla-dialog]");

function slaSelect(target) {
  return target instanceof HTMLSelectElement && target.name === "sla_id" ? target : null;
}

function ask(message) {
  return new Promise((resolve) => {
    dialog.querySelector("[data-sla-dialog-message]").textContent = message;
    const finish = (confirmed) => {
      dialog.removeEventListener("close", onClose);
      resolve(confirmed);
    };
    const onClose = () => finish(dialog.returnValue === "confirm");
    dialog.addEventListener("close", onClose);
    dialog.returnValue = "";
    dialog.showModal();
  });
}

if (dialog) {
  // Remember the value before each change (focus covers mouse and keyboard).
  document.addEventListener("focusin", (event) => {
    const select = slaSelect(event.target);
    if (select && select.dataset.previous === undefined) select.dataset.previous = select.value;
  });

  document.addEventListener("change", async (event) => {
    const select = slaSelect(event.target);
    if (!select) return;
    const previous = select.dataset.previous ?? "";
    const option = select.selectedOptions[0];
    const message = option ? option.dataset.dialogMessage : undefined;
    if (message && !(await ask(message))) {
      select.value = previous;
      return;
    }
    select.dataset.previous = select.value;
  });
}
