// For host pages (articles) that embed Frontline: include this script once and every
// <iframe data-frontline-embed> resizes itself to its content. Without it the iframe keeps
// its fixed height and stays usable.
(function () {
  "use strict";
  var MAX_HEIGHT = 20000; // as dashboard/http.py MAX_EMBED_HEIGHT
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "frontline:height") return;
    if (typeof data.height !== "number" || !isFinite(data.height)) return;
    var frames = document.querySelectorAll("iframe[data-frontline-embed]");
    for (var i = 0; i < frames.length; i++) {
      // Only the iframe that sent the message, and only from the origin it was loaded from.
      if (frames[i].contentWindow !== event.source) continue;
      var origin = new URL(frames[i].src, window.location.href).origin;
      if (event.origin !== origin) continue;
      // A tall story at a phone's width is over 4,000 px; 20,000 only stops a runaway.
      var height = Math.max(200, Math.min(MAX_HEIGHT, Math.round(data.height)));
      frames[i].style.height = height + "px";
      frames[i].setAttribute("height", String(height));
    }
  });
})();
