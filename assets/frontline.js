// What the explorer does in the browser alone: going to another page (a language change),
// changing the history entry in place (a pan of the map), moving the map's camera (an event
// picked in the table), the filters drawer on small screens, the map's scale bar, and
// two-finger panning on touch screens.
(function () {
  "use strict";

  function mapDiv() {
    return document.querySelector("#map .js-plotly-plot");
  }

  function maplibre() {
    var gd = mapDiv();
    var sub = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return sub ? sub.map : null;
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    frontline: {
      navigate: function (url) {
        // Only a path on this site: the server builds it from the view state.
        if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
          window.location.assign(url);
        }
        return window.dash_clientside.no_update;
      },
      replaceUrl: function (search) {
        if (typeof search === "string" && search.charAt(0) === "?") {
          window.history.replaceState(window.history.state, "", window.location.pathname + search);
          // Tell the page's dcc.Location: with its props behind the address bar, its next
          // update pushed its old URL back (a pan, then a filter, lost both).
          window.dash_clientside.set_props("url", {
            search: window.location.search,
            href: window.location.href,
          });
        }
        return window.dash_clientside.no_update;
      },
      focusMap: function (camera) {
        var map = maplibre();
        if (map && camera && isFinite(camera.lat) && isFinite(camera.lon)) {
          map.flyTo({ center: [camera.lon, camera.lat], zoom: camera.z, essential: true });
        }
        return window.dash_clientside.no_update;
      },
    },
  });

  // -- the filters drawer (small screens) -----------------------------------------------
  function setDrawer(open) {
    var app = document.querySelector(".app");
    var toggle = document.getElementById("filters-toggle");
    if (!app) return;
    app.classList.toggle("filters-open", open);
    if (toggle) toggle.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var first = document.querySelector("#filters-panel input, #filters-panel button");
      if (first) first.focus();
    } else if (toggle && toggle.offsetParent !== null) {
      toggle.focus();
    }
  }
  document.addEventListener("click", function (e) {
    if (e.target.closest("#filters-toggle")) {
      setDrawer(!document.querySelector(".app.filters-open"));
    } else if (e.target.closest("#filters-close")) {
      setDrawer(false);
    }
  });
  // Escape closes what is innermost: an open dropdown list first (it closes itself), the
  // drawer only when no list is open. Looked at before the list handles the key (capture).
  document.addEventListener(
    "keydown",
    function (e) {
      if (e.key !== "Escape" || !document.querySelector(".app.filters-open")) return;
      if (document.querySelector(".dash-dropdown-content")) return;
      setDrawer(false);
    },
    true
  );

  // -- the scale bar ----------------------------------------------------------------------
  // Web Mercator's metres per pixel at the map's centre latitude (512-px tiles, as
  // MapLibre draws): a round length of at most 120 px.
  var STEPS = [1, 2, 5];
  function niceKm(km) {
    var exp = Math.pow(10, Math.floor(Math.log10(km)));
    var best = exp;
    STEPS.forEach(function (s) {
      if (s * exp <= km) best = s * exp;
    });
    return best;
  }
  function updateScale() {
    var map = maplibre();
    var box = document.getElementById("map-scale");
    if (!map || !box) return;
    var lat = map.getCenter().lat;
    var metresPerPx = (40075016.686 * Math.cos((lat * Math.PI) / 180)) / (512 * Math.pow(2, map.getZoom()));
    var km = niceKm((120 * metresPerPx) / 1000);
    var bar = box.querySelector(".map-scale-bar");
    var text = box.querySelector(".map-scale-text");
    bar.style.width = Math.round((km * 1000) / metresPerPx) + "px";
    text.textContent = (km >= 1 ? km : km.toFixed(1)) + " km";
    box.classList.add("ready");
  }

  // -- touch: the page scrolls with one finger, the map moves with two -------------------
  var touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;
  function gestures(map, gd) {
    if (!touch || map.__frontlineGestures) return;
    map.__frontlineGestures = true;
    if (map.dragPan) map.dragPan.disable();
    // Plotly turns panning back on when it redraws the map: off again after each draw.
    gd.on("plotly_afterplot", function () {
      if (map.dragPan) map.dragPan.disable();
    });
    if (map.touchZoomRotate) {
      map.touchZoomRotate.enable();
      if (map.touchZoomRotate.disableRotation) map.touchZoomRotate.disableRotation();
    }
    var hint = document.getElementById("map-hint");
    map.getCanvasContainer().addEventListener(
      "touchstart",
      function (e) {
        if (!hint) return;
        hint.classList.toggle("shown", e.touches.length === 1);
        clearTimeout(hint.__timer);
        hint.__timer = setTimeout(function () {
          hint.classList.remove("shown");
        }, 1500);
      },
      { passive: true }
    );
  }

  // -- the key: open on a wide screen, folded on a phone until the reader opens it; the
  // reader's choice holds when the map redraws its key.
  var keyOpen = !(window.matchMedia && window.matchMedia("(max-width: 700px)").matches);
  document.addEventListener(
    "toggle",
    function (e) {
      if (e.target.matches && e.target.matches("details.key") && e.target.__frontline) {
        keyOpen = e.target.open;
      }
    },
    true
  );
  function keepKey() {
    document.querySelectorAll("details.key").forEach(function (el) {
      if (el.__frontline) return;
      el.__frontline = true;
      el.open = keyOpen;
    });
  }

  // -- attribution: folded to its (i) button on a phone, as the map's own control does on
  // narrow maps
  function foldAttribution() {
    if (!(window.matchMedia && window.matchMedia("(max-width: 700px)").matches)) return;
    document.querySelectorAll(".maplibregl-ctrl-attrib:not([data-folded])").forEach(function (el) {
      el.setAttribute("data-folded", "1");
      el.classList.add("maplibregl-compact");
      el.classList.remove("maplibregl-compact-show");
    });
  }

  function attach() {
    keepKey();
    foldAttribution();
    var map = maplibre();
    if (!map || map.__frontline) return;
    map.__frontline = true;
    map.on("move", updateScale);
    gestures(map, mapDiv());
    updateScale();
  }
  new MutationObserver(function () {
    attach();
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("resize", updateScale);
})();
