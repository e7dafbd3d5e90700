// The "Chat integration" dialog (CH-41 … CH-44): the configuration form (never saved) drives
// the two snippets live, and the preview runs the real widget in a simulated page.

const root = document.querySelector("[data-integration]");
const server = root.dataset.server;
const form = root.querySelector("[data-integration-form]");
const head = root.querySelector("[data-snippet-head]");
const body = root.querySelector("[data-snippet-body]");
const preview = root.querySelector("[data-preview]");
const tabs = [...root.querySelectorAll('[role="tab"]')];

function configuration() {
  const data = new FormData(form);
  const config = { server };
  for (const [name, value] of data) {
    if (value === "") continue;
    config[name] = ["width", "height", "delay", "channel"].includes(name) ? Number(value) : value;
  }
  config.showWhenUnavailable = form.elements.showWhenUnavailable.checked;
  return config;
}

function snippets() {
  // "<" escaped so no text typed here can end the script element early.
  const json = JSON.stringify(configuration(), null, 2).replace(/</g, "\\u003c");
  return {
    head: `<script>\nwindow.frontdeskChat = ${json};\n</script>`,
    body: `<script async src="${server}/static/embed/frontdesk-chat.js"></script>`,
  };
}

function update() {
  const code = snippets();
  head.value = code.head;
  body.value = code.body;
}

function reloadPreview() {
  // A page of this server, not srcdoc: a srcdoc frame inherits this page's CSP, which refuses
  // the snippet's inline script. The query changes on every reload so the frame loads afresh.
  const config = encodeURIComponent(JSON.stringify(configuration()));
  preview.src = `/agent/chat/integration/preview?load=${Date.now()}#${config}`;
}

function select(tab) {
  for (const other of tabs) {
    const chosen = other === tab;
    other.setAttribute("aria-selected", String(chosen));
    other.tabIndex = chosen ? 0 : -1;
    document.getElementById(other.getAttribute("aria-controls")).hidden = !chosen;
  }
  tab.focus();
  if (tab.id === "tab-preview") reloadPreview();
}

for (const tab of tabs) {
  tab.addEventListener("click", () => select(tab));
  tab.addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (step) select(tabs[(tabs.indexOf(tab) + step + tabs.length) % tabs.length]);
  });
}
form.addEventListener("input", update);
form.addEventListener("change", update);
root.querySelector("[data-reload]").addEventListener("click", reloadPreview);
root.querySelector("[data-copy]").addEventListener("click", async () => {
  await navigator.clipboard.writeText(`${head.value}\n${body.value}`).catch(() => {
    head.select();
    document.execCommand("copy");
  });
  root.querySelector("[data-copied]").textContent = root.querySelector("[data-copied-text]").textContent;
});
update();
