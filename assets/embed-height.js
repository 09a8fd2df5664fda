// Inside a Frontline page shown in an iframe: tell the host page how tall the content is,
// so the host's embed.js can size the iframe (as Datawrapper's embeds do). Does nothing
// when the page is not framed.
(function () {
  "use strict";
  if (window.parent === window) return;
  var last = 0;
  function px(el, property) {
    return parseFloat(window.getComputedStyle(el)[property]) || 0;
  }
  function post() {
    // Measure the app itself, not <html>: the root grows with the iframe (100vh, body
    // margins), which would make every resize ask for a taller one, forever.
    var app = document.querySelector(".app") || document.body;
    // From the top of the document to below the app: what sits above it and the margins
    // under it (the body's) must fit in the iframe too, or its last line scrolls away.
    var rect = app.getBoundingClientRect();
    var below = px(app, "marginBottom");
    if (app !== document.body) {
      below += px(document.body, "paddingBottom") + px(document.body, "marginBottom");
    }
    var height = Math.ceil(rect.bottom + window.scrollY + below);
    if (!height || Math.abs(height - last) < 2) return;
    last = height;
    // The height is not secret; "*" lets any allowed host (frame-ancestors) receive it.
    window.parent.postMessage({ type: "frontline:height", height: height }, "*");
  }
  if (window.ResizeObserver) {
    new ResizeObserver(post).observe(document.documentElement);
  }
  window.addEventListener("load", post);
  setInterval(post, 1000); // late layout changes (map tiles, fonts) that observers miss
})();
