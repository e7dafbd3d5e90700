// The chat REST API as the chat manager calls it, the page's error line for refusals, and a
// small element builder (text always through textContent).

import { csrf, errorBox } from "./page.js";

export async function api(method, path, body) {
  const response = await fetch(`/api/v1${path}`, {
    method,
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = response.status === 204 ? null : await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((data && data.error && data.error.message) || response.statusText);
  }
  return data;
}

export function showError(error) {
  errorBox.textContent = error ? error.message : "";
  errorBox.hidden = !error;
}

export async function run(action) {
  try {
    showError(null);
    return await action();
  } catch (error) {
    showError(error);
    return null;
  }
}

export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}
