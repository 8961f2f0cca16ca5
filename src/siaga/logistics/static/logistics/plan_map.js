// Map of a distribution plan: one line per trip (coloured by leg), stops coloured by outcome.
// Tiles only if configured, so the map works offline.
(function () {
  var el = document.getElementById("plan-map");
  if (!el || !window.L) return;
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  }
  var legColours = { gudang: "#1f5f8b", ppk: "#0f9d9a", pps: "#8e6bbf" };
  var stateColours = { ok: "#2e7d32", late: "#e08a2c", unserved: "#b3261e", depot: "#17212b" };
  fetch(el.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      L.geoJSON(data.routes, {
        style: function (f) {
          var p = f.properties;
          return { color: legColours[p.level] || "#555", weight: p.level === "gudang" ? 3 : 1.5,
                   opacity: 0.75, dashArray: p.mode === "boat" ? "4 4" : null };
        },
        onEachFeature: function (f, layer) { layer.bindTooltip(f.properties.vehicle, { sticky: true }); }
      }).addTo(map);
      var points = L.geoJSON(data.points, {
        pointToLayer: function (f, latlng) {
          var s = f.properties.state;
          return L.circleMarker(latlng, { radius: s === "depot" ? 6 : 4, weight: 1, color: "#fff",
            fillColor: stateColours[s] || "#555", fillOpacity: 0.9 });
        },
        onEachFeature: function (f, layer) {
          var box = document.createElement("div");
          [f.properties.code + " " + f.properties.name, f.properties.arrival].forEach(function (line) {
            var row = document.createElement("div");
            row.textContent = line;
            box.appendChild(row);
          });
          layer.bindPopup(box);
        }
      }).addTo(map);
      var bounds = points.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      el.dataset.loaded = String(data.points.features.length);
    });
})();
