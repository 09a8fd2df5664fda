// Labels for controls that Dash components render without one (DataTable paging buttons,
// the upload's hidden file input), so screen readers can name every control; and what
// those components render that no checker accepts (autocomplete on a file input).
(function () {
  "use strict";
  var de = (document.documentElement.lang || "").indexOf("de") === 0;
  var NAMES = {
    "first-page": de ? "Erste Seite" : "First page",
    "previous-page": de ? "Vorige Seite" : "Previous page",
    "next-page": de ? "Nächste Seite" : "Next page",
    "last-page": de ? "Letzte Seite" : "Last page",
    "current-page": de ? "Seite" : "Page",
  };
  function label() {
    de = ((document.querySelector(".app") || {}).lang || "").indexOf("de") === 0;
    Object.keys(NAMES).forEach(function (cls) {
      document.querySelectorAll("." + cls + ":not([aria-label])").forEach(function (el) {
        el.setAttribute("aria-label", NAMES[cls]);
      });
    });
    document.querySelectorAll(".upload input[type=file]:not([aria-label])").forEach(function (el) {
      var box = el.closest(".upload");
      el.setAttribute("aria-label", box ? box.innerText.trim() : "Upload");
    });
    // The upload's file input comes with autocomplete="off", which no file input takes.
    document.querySelectorAll("input[type=file][autocomplete]").forEach(function (el) {
      el.removeAttribute("autocomplete");
    });
  }
  new MutationObserver(label).observe(document.documentElement, { childList: true, subtree: true });
})();
