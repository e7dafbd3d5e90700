// The toolbar's three-way chat availability switch (CH-10), on every agent page.
// The change goes to PUT /api/v1/me/chat-availability; a refusal puts the old value back.

for (const select of document.querySelectorAll("[data-chat-availability]")) {
  if (select.dataset.bound) continue;
  select.dataset.bound = "1";
  let current = select.value;
  select.addEventListener("change", async () => {
    const response = await fetch("/api/v1/me/chat-availability", {
      method: "PUT",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": select.dataset.csrf },
      body: JSON.stringify({ availability: select.value }),
    }).catch(() => null);
    if (response && response.ok) {
      current = select.value;
    } else {
      select.value = current;
    }
  });
}
