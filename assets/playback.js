// Playback on the browser's clock (see dashboard/callbacks/playback.py).
//
// Play asks the server once for every frame of the period (the "play-request" store; the
// answer lands in "play-frames"). This player then draws frame after frame on the map graph
// itself: the next step starts once the one before has been drawn (Plotly's promise), and
// no sooner than the speed asks, so no day is ever skipped and no step waits for the
// server. At the end the map is drawn again exactly as the server drew it (the graph's
// figure prop).
//
// Each frame goes in with one Plotly.react of the graph's current data and layout with the
// changed layer sources and event traces swapped in. Not Plotly.relayout/restyle: they emit
// plotly_relayout/plotly_restyle, which dcc.Graph turns into relayoutData (a request to
// the server with the GeoJSON in it, two per step) and copies into its figure prop, so the
// "server's map" would no longer be the server's. Plotly.react emits neither.
window.dash_clientside = window.dash_clientside || {};
(function () {
  "use strict";

  var STALL_MS = 5000;

  var player = {
    config: {}, // ids and texts (the "play-config" store)
    frames: null, // the answer to the last request, or null
    request: 0, // number of the last request sent
    wanted: false, // the reader wants it to play (also while the frames load)
    playing: false, // the clock runs
    timer: null,
    generation: 0, // bumped on every stop: a draw that ends after it changes nothing
    speed: 1000, // ms a step at least
    index: -1, // the frame on the map; -1: the map is the server's
    resumeAt: null, // a date to continue from once new frames arrive (step changed)
    dirty: true, // the map may not show frame `index`: the next draw sends everything
    figure: null, // the graph's figure prop: the map as the server drew it
  };

  function graph() {
    var host = document.getElementById(player.config.map);
    return host ? host.querySelector(".js-plotly-plot") : null;
  }

  function setProps(id, props) {
    if (id && window.dash_clientside.set_props) window.dash_clientside.set_props(id, props);
  }

  function stop() {
    player.playing = false;
    player.generation += 1;
    if (player.timer !== null) clearTimeout(player.timer);
    player.timer = null;
  }

  // Group -> GeoJSON and slot -> trace as they stand at frame k (the key frame and every
  // change after it).
  function stateAt(k) {
    var layers = {};
    var events = {};
    for (var i = 0; i <= k; i++) {
      Object.assign(layers, player.frames.frames[i].layers);
      Object.assign(events, player.frames.frames[i].events);
    }
    return { layers: layers, events: events };
  }

  function draw(gd, k) {
    var frame = player.frames.frames[k];
    var change = player.dirty || k !== player.index + 1 ? stateAt(k) : frame;
    var groups = player.frames.layers;
    var layers = gd.layout.map.layers.slice();
    var at = {};
    layers.forEach(function (layer, i) {
      at[layer.name] = i;
    });
    Object.keys(change.layers).forEach(function (group) {
      (groups[group] || []).forEach(function (name) {
        var i = at[name];
        if (i !== undefined) {
          layers[i] = Object.assign({}, layers[i], { source: change.layers[group] });
        }
      });
    });
    var data = gd.data.slice();
    Object.keys(change.events).forEach(function (kind) {
      for (var i = 0; i < data.length; i++) {
        var meta = data[i].meta || {};
        if (meta.role === "events" && meta.kind === kind) {
          data[i] = change.events[kind];
          break;
        }
      }
    });
    var layout = Object.assign({}, gd.layout, {
      map: Object.assign({}, gd.layout.map, { layers: layers }),
    });
    player.index = k;
    player.dirty = false;
    setProps(player.config.label, { children: frame.label });
    return window.Plotly.react(gd, data, layout);
  }

  function restore() {
    var gd = graph();
    player.index = -1;
    if (!gd || !player.figure) return Promise.resolve();
    // What dcc.Graph itself does with its figure prop: the data as they are, a copy of the
    // layout (Plotly writes the camera into it).
    var layout = JSON.parse(JSON.stringify(player.figure.layout || {}));
    return window.Plotly.react(gd, player.figure.data || [], layout);
  }

  function finish() {
    stop();
    player.wanted = false;
    setProps(player.config.button, { children: player.config.play });
    restore();
  }

  function tick() {
    player.timer = null;
    var generation = player.generation;
    var frames = player.frames.frames;
    var next = player.index + 1;
    if (next >= frames.length) {
      finish();
      return;
    }
    var gd = graph();
    if (!gd || !gd.layout || !gd.layout.map) {
      player.timer = setTimeout(tick, 100); // the map is not drawn yet
      return;
    }
    var started = performance.now();
    // Plotly's promise resolves once MapLibre has drawn the frame; should it never settle
    // (a map torn down under it), the clock goes on after a few seconds.
    var drawn = Promise.race([
      draw(gd, next),
      new Promise(function (resolve) {
        setTimeout(resolve, STALL_MS);
      }),
    ]);
    drawn.then(
      function () {
        if (generation !== player.generation) return;
        var spent = performance.now() - started;
        player.timer = setTimeout(tick, Math.max(0, player.speed - spent));
      },
      function () {
        if (generation === player.generation) finish();
      }
    );
  }

  function start() {
    stop();
    player.playing = true;
    var frames = player.frames.frames;
    if (player.resumeAt !== null) {
      // New frames for a new step: go on from the first of them not before the day shown.
      var from = 0;
      while (from < frames.length - 1 && frames[from].date < player.resumeAt) from++;
      player.index = from - 1;
      player.dirty = true;
      player.resumeAt = null;
    } else if (player.index >= frames.length - 1) {
      player.index = -1;
    }
    tick();
  }

  function request(step) {
    player.request += 1;
    player.frames = null;
    return { n: player.request, step: step };
  }

  // The controls, the view and the map: play, pause, speed, step; another view stops.
  function control(clicks, speed, step, state, figure, config) {
    // Looked up at each call: dash-renderer defines it after the assets have loaded.
    var NO = window.dash_clientside.no_update;
    var fired = {};
    (window.dash_clientside.callback_context.triggered || []).forEach(function (t) {
      fired[t.prop_id] = true;
    });
    player.config = config || {};
    player.speed = Number(speed) || 1000;
    if (!player.figure) player.figure = figure;
    var c = player.config;
    var out = [NO, NO, NO];

    if (fired[c.state + ".data"]) {
      // Another view: its frames are not these. The map goes back to the server's (which
      // then draws the new view over it: its key was cleared when the frames came).
      var shown = player.index >= 0;
      stop();
      player.wanted = false;
      player.frames = null;
      player.resumeAt = null;
      player.request += 1; // frames still on their way are for the old view
      if (shown) restore();
      return [NO, c.play, ""];
    }
    if (fired[c.map + ".figure"]) {
      // When the reader pans, dcc.Graph copies the graph's layout into its figure, with
      // the data unchanged: while a playback day is on the map, that copy has the day's
      // layers and is not the server's map. Anything else is the server's.
      var copied =
        player.index >= 0 && !!player.figure && !!figure && figure.data === player.figure.data;
      if (!copied) {
        player.figure = figure;
        if (player.index >= 0) {
          player.dirty = true; // the next step draws its whole frame
          if (!player.playing) {
            player.index = -1; // paused: the map now is the server's
            player.resumeAt = null;
            out[2] = "";
          }
        }
      }
      // Keep the map's next update from the server a whole figure: a patch would land on
      // the copy with a day's layers in it.
      if (player.index >= 0 || copied) setProps(c.key, { data: null });
    }
    if (fired[c.step + ".value"] && (player.frames || player.wanted)) {
      // The same period by the new step, from the day shown (now if playing, else at the
      // next Play).
      var at = player.frames && player.index >= 0 ? player.frames.frames[player.index] : null;
      stop();
      player.frames = null;
      player.resumeAt = at ? at.date : null;
      if (!player.wanted) return out;
      out[0] = request(step);
      out[2] = c.loading;
      return out;
    }
    if (fired[c.button + ".n_clicks"]) {
      if (player.wanted) {
        // Pause: the day drawn (or being drawn) stays on the map.
        stop();
        player.wanted = false;
        out[1] = c.play;
        if (!player.frames) out[2] = "";
        return out;
      }
      player.wanted = true;
      out[1] = c.pause;
      if (player.frames) {
        start();
        return out;
      }
      out[0] = request(step);
      out[2] = c.loading;
    }
    return out;
  }

  // The server's answer: play it if it answers the last request and the reader still
  // wants to play.
  function arrive(frames) {
    var NO = window.dash_clientside.no_update;
    var c = player.config;
    if (!frames || frames.request !== player.request) return [NO, NO];
    player.frames = frames;
    player.index = -1;
    if (!player.wanted) return [c.play, ""];
    start();
    return [c.pause, NO];
  }

  window.dash_clientside.frontlinePlayback = { control: control, arrive: arrive, player: player };
})();
