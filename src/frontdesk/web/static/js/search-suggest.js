// The top bar's search box as an ARIA combobox (layout/agent.html): while the agent types, the
// suggestions of GET /agent/search/suggest show under it. ArrowDown/ArrowUp move through them,
// Enter opens the active one (with none active the form searches as before), Escape closes the
// list. Focus stays in the box; the active option is named by aria-activedescendant.
//
// The fragment is HTML the server rendered with autoescape; DOMParser neither runs scripts nor
// loads anything, and the nodes are moved into the page as they are. Keys typed in the box never
// reach shortcuts.js, which ignores typing in fields (and prevented keys).

const DEBOUNCE_MS = 150;
const SUGGEST_PATH = "/agent/search/suggest";

const input = document.querySelector("[data-search-field]");
const popup = document.querySelector("[data-search-suggest]");
const status = document.querySelector("[data-search-suggest-status]");

if (input && popup) setUp(input, popup);

function setUp(input, popup) {
  let timer = null;
  let controller = null;
  let shownFor = null;

  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  input.setAttribute("aria-expanded", "false");
  input.setAttribute("aria-controls", popup.id);
  input.setAttribute("autocomplete", "off");

  const options = () => Array.from(popup.querySelectorAll('[role="option"]'));
  const activeOption = () => options().find((o) => o.getAttribute("aria-selected") === "true");

  function announce(text) {
    if (status) status.textContent = text;
  }

  function setActive(option) {
    for (const other of options()) other.setAttribute("aria-selected", String(other === option));
    if (option) {
      input.setAttribute("aria-activedescendant", option.id);
      option.scrollIntoView({ block: "nearest" });
    } else {
      input.removeAttribute("aria-activedescendant");
    }
  }

  function close() {
    clearTimeout(timer);
    controller?.abort();
    controller = null;
    shownFor = null;
    popup.hidden = true;
    popup.replaceChildren();
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function show(query, html) {
    const parsed = new DOMParser().parseFromString(html, "text/html");
    popup.replaceChildren(...parsed.body.childNodes);
    shownFor = query;
    const count = options().length;
    if (popup.childElementCount === 0) {
      close();
      return;
    }
    popup.hidden = false;
    input.setAttribute("aria-expanded", String(count > 0));
    input.removeAttribute("aria-activedescendant");
    const template = status?.dataset.countText;
    announce(count > 0 && template ? template.replace("{count}", String(count)) : popup.textContent.trim());
  }

  async function load() {
    const query = input.value.trim();
    if (!query) {
      close();
      return;
    }
    controller?.abort();
    controller = new AbortController();
    try {
      const response = await fetch(`${SUGGEST_PATH}?q=${encodeURIComponent(query)}`, {
        headers: { Accept: "text/html" },
        signal: controller.signal,
      });
      // Sent to the login page: the session ended. The full search will say so.
      if (new URL(response.url).pathname !== SUGGEST_PATH) {
        close();
        return;
      }
      const html = await response.text();
      if (document.activeElement === input) show(query, html);
    } catch (error) {
      if (error.name !== "AbortError") close();
    }
  }

  function schedule() {
    clearTimeout(timer);
    // What the last request answers is out of date now: it must not show after this keystroke.
    controller?.abort();
    controller = null;
    timer = setTimeout(load, DEBOUNCE_MS);
  }

  function move(step) {
    const all = options();
    if (all.length === 0) return;
    const index = all.indexOf(activeOption());
    let next;
    if (index === -1) next = step > 0 ? 0 : all.length - 1;
    else next = (index + step + all.length) % all.length;
    setActive(all[next]);
  }

  input.addEventListener("input", schedule);

  input.addEventListener("keydown", (event) => {
    if (event.isComposing || event.ctrlKey || event.altKey || event.metaKey) return;
    const open = !popup.hidden;
    switch (event.key) {
      case "ArrowDown":
      case "ArrowUp":
        event.preventDefault();
        if (!open || shownFor !== input.value.trim()) {
          clearTimeout(timer);
          load();
          return;
        }
        move(event.key === "ArrowDown" ? 1 : -1);
        return;
      case "Enter": {
        const option = open ? activeOption() : null;
        if (!option) return; // the form submits: the full search
        event.preventDefault();
        window.location.assign(option.href);
        return;
      }
      case "Escape":
        if (!open) return;
        event.preventDefault(); // keep the text (a search field would clear it)
        close();
        return;
      case "Tab":
        close();
        return;
      default:
    }
  });

  // A click on an option must not take the focus out of the box before the link opens.
  popup.addEventListener("pointerdown", (event) => event.preventDefault());
  popup.addEventListener("pointermove", (event) => {
    const option = event.target.closest?.('[role="option"]');
    if (option && option !== activeOption()) setActive(option);
  });

  input.addEventListener("blur", () => close());
  window.addEventListener("pageshow", () => close());
}
