// The dashboard's panels refresh every 30 seconds (hx-trigger), but not while a form in them
// is open: the refresh would throw away what is being typed.
document.body.addEventListener("htmx:beforeRequest", (event) => {
  const panels = event.detail.elt;
  if (panels.id === "dashboard-panels" && panels.querySelector("details[open]")) {
    event.preventDefault();
  }
});
