/* Frontdesk chat loader: include with <script async src=".../static/embed/frontdesk-chat.js">.
   Plain JavaScript, no jQuery, nothing blocks the page. It asks the server whether this web
   site may embed the chat and whether an agent is available, then shows a button (in a Shadow
   DOM, so the page's CSS cannot reach it). The chat itself loads on first open, in an iframe. */
(function () {
  var script = document.currentScript;
  var config = window.frontdeskChat || {};
  var server = (config.server || new URL(script.src).origin).replace(/\/$/, "");
  // Messages from the frame carry an origin, never a path (config.server may have one).
  var origin = new URL(server).origin;
  var prefix = "Frontdesk chat: ";
  // The visitor token, kept here for the frame in case the browser refuses the frame (another
  // site) its own storage: a reload or a second tab still continues the same chat.
  var STORE = "frontdeskChat.visitor";

  function kept() {
    try {
      return localStorage.getItem(STORE) || "";
    } catch (e) {
      return "";
    }
  }

  function keep(value) {
    try {
      if (value) localStorage.setItem(STORE, JSON.stringify(value));
      else localStorage.removeItem(STORE);
    } catch (e) {
      // storage blocked here too: the chat lasts as long as the page
    }
  }

  function text(value, fallback) {
    return typeof value === "string" && value ? value : fallback;
  }

  function show() {
    var host = document.createElement("div");
    host.setAttribute("data-frontdesk-chat", "");
    var shadow = host.attachShadow({ mode: "open" });
    var side = config.position === "bottom-left" ? "left" : "right";
    var color = text(config.color, "#0b5cad");
    var textColor = text(config.textColor, "#ffffff");
    var width = Number(config.width) || 360;
    var height = Number(config.height) || 520;
    var style = document.createElement("style");
    style.textContent =
      ":host{all:initial}" +
      ".launcher{position:fixed;bottom:20px;" + side + ":20px;z-index:2147483000;padding:12px 18px;" +
      "border:0;border-radius:24px;font:600 15px system-ui,sans-serif;cursor:pointer;" +
      "box-shadow:0 4px 14px rgba(0,0,0,.25)}" +
      ".launcher:focus-visible{outline:3px solid #1b1f24;outline-offset:3px}" +
      ".panel{position:fixed;bottom:76px;" + side + ":20px;z-index:2147483000;" +
      "width:min(" + width + "px,calc(100vw - 40px));height:min(" + height + "px,calc(100vh - 100px));" +
      "border:1px solid #c4cad2;border-radius:12px;overflow:hidden;background:#fff;" +
      "box-shadow:0 8px 30px rgba(0,0,0,.3)}" +
      ".panel[hidden]{display:none}iframe{width:100%;height:100%;border:0}";
    var button = document.createElement("button");
    button.type = "button";
    button.className = "launcher";
    button.style.background = color;
    button.style.color = textColor;
    button.textContent = text(config.buttonText, "Chat with us");
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "frontdesk-chat-panel");
    var panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "frontdesk-chat-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", text(config.title, "Chat with us"));
    var frame = null;

    function toggle(open) {
      if (open && !frame) {
        var query = "?iframe=1&title=" + encodeURIComponent(text(config.title, ""));
        if (config.channel) query += "&channel=" + encodeURIComponent(config.channel);
        // Also when an agent is available now: the visitor may still wait in vain (CH-42).
        if (config.fallbackUrl) query += "&fallback=" + encodeURIComponent(config.fallbackUrl);
        frame = document.createElement("iframe");
        frame.title = text(config.title, "Chat with us");
        var visitor = kept();
        frame.src = server + "/public/chat" + query + (visitor ? "#visitor=" + encodeURIComponent(visitor) : "");
        // The frame answers only its parent, once greeted: on every load (it reloads itself
        // for a new chat), and only if the frame still shows our server.
        frame.addEventListener("load", function () {
          frame.contentWindow.postMessage({ frontdeskChat: "hello" }, origin);
        });
        panel.appendChild(frame);
      }
      panel.hidden = !open;
      button.setAttribute("aria-expanded", String(open));
      if (open) frame.focus();
    }

    button.addEventListener("click", function () {
      toggle(panel.hidden);
    });
    function closeByKeyboard() {
      if (panel.hidden) return;
      toggle(false);
      button.focus();
    }
    shadow.addEventListener("keydown", function (event) {
      if (event.key === "Escape") closeByKeyboard();
    });
    // Focus is inside the frame while the visitor chats: the frame reports Escape.
    window.addEventListener("message", function (event) {
      var data = event.data;
      if (!frame || event.source !== frame.contentWindow || event.origin !== origin || !data) return;
      if (data.frontdeskChat === "close") closeByKeyboard();
      if (data.frontdeskChat === "remember") keep(data.value);
    });
    shadow.append(style, panel, button);
    document.body.appendChild(host);
  }

  fetch(server + "/public/chat/widget-config", { credentials: "omit" })
    .then(function (response) {
      return response.json().then(function (body) {
        return { ok: response.ok, body: body };
      });
    })
    .then(function (answer) {
      if (!answer.ok) {
        console.error(prefix + ((answer.body.error && answer.body.error.message) || "unavailable"));
        return;
      }
      if (!answer.body.available && !config.showWhenUnavailable) {
        console.info(prefix + "no agent is available; the chat button stays hidden.");
        return;
      }
      setTimeout(function () {
        show();
      }, (Number(config.delay) || 0) * 1000);
    })
    .catch(function () {
      console.error(prefix + "the chat server " + server + " could not be reached.");
    });
})();
