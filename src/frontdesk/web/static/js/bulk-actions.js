// The bulk bar of the agent ticket lists (partials/_bulk_bar.html): counts the checked rows in
// its polite live region and drives the header's "select all on this page" box.
//
// Row boxes (`[data-row-select]`, checked by click or by the `x` shortcut) belong to the bar's
// form through form="bulk-form". ticket-list-live.js keeps checked boxes checked when it swaps
// the list, and a row can leave the list in a swap: the count is taken again after each one.

function boxes() {
  return Array.from(document.querySelectorAll("[data-row-select]"));
}

function countText(region, count) {
  if (count === 0) return region.dataset.textNone || "";
  if (count === 1) return region.dataset.textOne || "";
  return (region.dataset.textMany || "%s").replace("%s", String(count));
}

function update() {
  const all = boxes();
  const checked = all.filter((box) => box.checked).length;
  const region = document.querySelector("[data-bulk-count]");
  if (region) {
    const text = countText(region, checked);
    if (region.textContent !== text) region.textContent = text;
  }
  for (const header of document.querySelectorAll("[data-select-all]")) {
    header.checked = all.length > 0 && checked === all.length;
    header.indeterminate = checked > 0 && checked < all.length;
  }
}

document.addEventListener("change", (event) => {
  const target = event.target;
  if (!(target instanceof HTMLInputElement)) return;
  if (target.matches("[data-select-all]")) {
    for (const box of boxes()) {
      if (!box.disabled) box.checked = target.checked;
    }
    update();
  } else if (target.matches("[data-row-select]")) {
    update();
  }
});

document.addEventListener("live-list:updated", update);
// Back/forward and reloads may restore checked boxes: count what the page shows.
window.addEventListener("pageshow", update);
update();
