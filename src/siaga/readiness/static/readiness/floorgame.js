// The floor-game board: the server computes the timeline once (vehicle waypoints, shipment and
// post times, the counts and the clock label at every slider stop); this only moves markers.
// A vehicle between two waypoints is drawn on the straight line between them at constant speed
// (the same rule as readiness/floorgame.py position_at). Tiles only if configured (offline).
(function () {
  var el = document.getElementById("fg-map");
  if (!el || !window.L) return;
  var slider = document.getElementById("fg-slider");
  var label = document.getElementById("fg-clock-label");
  var play = document.getElementById("fg-play");
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  }
  var gradeColours = ["#2e7d32", "#e08a2c", "#b3261e"];
  var gradeNames = (el.dataset.labelGrades || "").split("|");
  var levelColours = { gudang: "#1f5f8b", ppk: "#0f9d9a", pps: "#8e6bbf" };
  var staffColours = { manned: "#1f5f8b", "short": "#e08a2c", unmanned: "#b3261e" };

  function lines(texts) {
    var box = document.createElement("div");
    texts.forEach(function (t) { var d = document.createElement("div"); d.textContent = t; box.appendChild(d); });
    return box;
  }

  function positionAt(w, t) {
    // w: [[t, lat, lon], ...] in time order; the last waypoint at or before t, then a straight line.
    if (t <= w[0][0]) return [w[0][1], w[0][2]];
    var lo = 0, hi = w.length - 1;
    if (t >= w[hi][0]) return [w[hi][1], w[hi][2]];
    while (hi - lo > 1) { var mid = (lo + hi) >> 1; if (w[mid][0] <= t) lo = mid; else hi = mid; }
    var a = w[lo], b = w[hi], span = b[0] - a[0];
    var s = span > 0 ? (t - a[0]) / span : 0;
    return [a[1] + (b[1] - a[1]) * s, a[2] + (b[2] - a[2]) * s];
  }

  function out(trips, t) {
    for (var i = 0; i < trips.length; i++) if (trips[i][0] <= t && t <= trips[i][1]) return true;
    return false;
  }

  fetch(el.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      // The view first, so every layer below is drawn on a map that has one.
      var bounds = L.geoJSON(data.boundaries).getBounds();
      if (!bounds.isValid() && data.tps.length) bounds = L.latLngBounds(data.tps.map(function (p) { return [p.lat, p.lon]; }));
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      else map.setView([-2.5, 118], 5);
      L.geoJSON(data.boundaries, {
        style: function () { return { color: "#4d6275", weight: 1.2, fillColor: "#dfe8ef", fillOpacity: 0.3 }; },
        onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.name, { sticky: true }); }
      }).addTo(map);
      data.routes.forEach(function (r) {
        if (r.coords.length < 2) return;
        L.polyline(r.coords, { color: levelColours[r.level] || "#555", weight: r.level === "gudang" ? 3 : r.level === "ppk" ? 2 : 1,
          opacity: 0.55, dashArray: r.mode === "boat" ? "4 4" : null, interactive: false }).addTo(map);
      });
      var tps = data.tps.map(function (p) {
        var m = L.circleMarker([p.lat, p.lon], { radius: 4, weight: p.broken ? 2.5 : 1, color: p.broken ? "#b3261e" : "#fff",
          fillColor: gradeColours[p.grade], fillOpacity: 0.9 });
        m.bindPopup(lines(["TPS " + p.code, gradeNames[p.grade] || "",
          p.arrives === null ? el.dataset.labelNever : el.dataset.labelArrives + ": " + data.labels[Math.min(data.labels.length - 1, Math.max(0, Math.round((p.arrives - data.start) / data.step)))]]));
        m.addTo(map);
        return { m: m, p: p };
      });
      var posts = data.posts.map(function (p) {
        var icon = L.divIcon({ className: "fg-post", html: "", iconSize: [12, 12] });
        var m = L.marker([p.lat, p.lon], { icon: icon, keyboard: false });
        m.bindPopup(lines([el.dataset.labelPost + " " + p.name + " (" + p.tps + " TPS)", el.dataset.labelStaff + ": "
          + p.have.polri + "/" + p.need.polri + ", " + p.have.tni + "/" + p.need.tni + ", " + p.have.linmas + "/" + p.need.linmas]));
        m.addTo(map);
        return { m: m, p: p };
      });
      var vehicles = data.vehicles.map(function (v) {
        var m = L.circleMarker([v.w[0][1], v.w[0][2]], { radius: v.level === "gudang" ? 6 : 4.5, weight: 2, color: "#fff",
          fillColor: "#17212b", fillOpacity: 1 });
        m.bindTooltip(v.label);
        return { m: m, v: v, shown: false };
      });
      var counts = document.querySelectorAll("#fg-counts [data-count]");

      function show(index) {
        var t = data.steps[index];
        label.textContent = data.labels[index];
        var c = data.counts[index];
        counts.forEach(function (b) { b.textContent = c[+b.dataset.count].toLocaleString("id-ID"); });
        vehicles.forEach(function (x) {
          var on = out(x.v.trips, t);
          if (on) x.m.setLatLng(positionAt(x.v.w, t));
          if (on && !x.shown) x.m.addTo(map);
          if (!on && x.shown) x.m.remove();
          x.shown = on;
        });
        tps.forEach(function (x) {
          var there = x.p.arrives !== null && t >= x.p.arrives;
          x.m.setStyle({ fillOpacity: there ? 0.95 : 0.25 });
        });
        posts.forEach(function (x) {
          var state = t < x.p.from || t > x.p.to ? "off" : x.p.staffing;
          var node = x.m.getElement();
          if (node) { node.dataset.state = state; node.style.borderColor = staffColours[state] || "#9aa9b6"; }
        });
        el.dataset.t = String(t);
      }

      slider.max = String(data.steps.length - 1);
      slider.disabled = false;
      slider.addEventListener("input", function () { show(+slider.value); });
      var timer = null;
      play.addEventListener("click", function () {
        if (timer) { clearInterval(timer); timer = null; return; }
        timer = setInterval(function () {
          if (+slider.value >= +slider.max) { clearInterval(timer); timer = null; return; }
          slider.value = String(+slider.value + 1);
          show(+slider.value);
        }, 120);
      });
      show(0);
      // For tests and the curious: where a vehicle marker is drawn now.
      window.floorgame = {
        vehicles: data.vehicles.length,
        where: function (key) {
          var x = vehicles.filter(function (y) { return y.v.key === key; })[0];
          return x && x.shown ? [x.m.getLatLng().lat, x.m.getLatLng().lng] : null;
        },
        all: function () { return data.vehicles; },
        stepOf: function (t) { return Math.max(0, Math.min(data.steps.length - 1, Math.round((t - data.start) / data.step))); }
      };
      el.dataset.loaded = String(data.vehicles.length);
    });
})();
