// For host pages (articles) that embed Frontline: include this script once and every
// <iframe data-frontline-embed> resizes itself to its content. Without it the iframe keeps
// its fixed height and stays usable.
(function () {
  "use strict";
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (!data || data.type !== "frontline:height" || typeof data.height !== "number") return;
    var frames = document.querySelectorAll("iframe[data-frontline-embed]");
    for (var i = 0; i < frames.length; i++) {
      // Only the iframe that sent the message, and only from the origin it was loaded from.
      if (frames[i].contentWindow !== event.source) continue;
      var origin = new URL(frames[i].src, window.location.href).origin;
      if (event.origin !== origin) continue;
      var height = Math.max(200, Math.min(4000, Math.round(data.height)));
      frames[i].style.height = height + "px";
      frames[i].setAttribute("height", String(height));
    }
  });
})();
