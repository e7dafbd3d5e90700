// The preview's made-up web site (/agent/chat/integration/preview): what the integration
// dialog's snippets do on a customer's page, without an inline script. The configuration comes
// in the address's fragment; the loader comes from this server, which the preview shows.
(function () {
  var config = {};
  try {
    config = JSON.parse(decodeURIComponent(window.location.hash.slice(1))) || {};
  } catch (e) {
    config = {};
  }
  config.server = window.location.origin;
  window.frontdeskChat = config;
  document.documentElement.style.font = "16px system-ui";
  document.addEventListener("DOMContentLoaded", function () {
    document.body.style.margin = "2rem";
  });
  var loader = document.createElement("script");
  loader.async = true;
  loader.src = "/static/embed/frontdesk-chat.js";
  document.head.appendChild(loader);
})();
