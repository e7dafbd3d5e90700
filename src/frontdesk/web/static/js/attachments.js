// The attachment overview: filter rows by name, select all, hide inline attachments (the choice
// is remembered for the agent by posting the small form in the background).

const overview = document.querySelector("[data-attachment-overview]");

function rows() {
  return [...overview.querySelectorAll("[data-attachment-row]")];
}

function hideInline() {
  const box = overview.querySelector("[data-inline-checkbox]");
  return box !== null && box.checked;
}

function applyFilters() {
  const filter = overview.querySelector("[data-attachment-filter]");
  const needle = filter ? filter.value.trim().toLowerCase() : "";
  let shown = 0;
  for (const row of rows()) {
    const visible =
      (!needle || row.dataset.name.includes(needle)) &&
      !(hideInline() && row.hasAttribute("data-inline"));
    row.hidden = !visible;
    if (!visible) {
      // A hidden file is never downloaded by accident.
      row.querySelector("input[type=checkbox]").checked = false;
    } else {
      shown += 1;
    }
  }
  overview.querySelector("[data-no-match]").hidden = shown > 0;
}

if (overview) {
  overview.querySelector("[data-attachment-filter]")?.addEventListener("input", applyFilters);
  // What was typed before this script ran, or restored by the browser on "back", applies too.
  applyFilters();

  overview.querySelector("[data-select-all]")?.addEventListener("change", (event) => {
    for (const row of rows()) {
      if (!row.hidden) row.querySelector("input[type=checkbox]").checked = event.target.checked;
    }
  });

  const toggle = overview.querySelector("[data-inline-toggle]");
  toggle?.querySelector("[data-inline-checkbox]").addEventListener("change", async (event) => {
    applyFilters();
    const body = new FormData(toggle);
    body.set("hide_inline", event.target.checked ? "1" : "0");
    await fetch(toggle.action, {
      method: "POST",
      body,
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
    });
  });
}
