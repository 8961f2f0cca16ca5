// Map of a region: child boundaries and TPS points, from tps/peta.json. Tiles only if configured,
// so the map works offline (boundaries and points need no tile server).
// Generic extras a data source may give: a point's `color` (its fill) and `label` (popup lines
// after the code and desa, separated by "\n"); a boundary's `tooltip` (lines, "\n"); and the
// element's data-query (appended to the link a region's click follows).
(function () {
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { preferCanvas: true, zoomSnap: 0.25 });
  if (el.dataset.tiles) {
    L.tileLayer(el.dataset.tiles, { maxZoom: 18, attribution: "© OpenStreetMap" }).addTo(map);
  }
  var colors = { darat: "#1f5f8b", sungai: "#0f9d9a", laut: "#3949ab", udara: "#8e24aa", jalan_kaki: "#e08a2c" };
  var gradeColors = ["#2e7d32", "#e08a2c", "#b3261e"];  // kurang rawan, rawan, sangat rawan
  function colorOf(p) { if (p.color) return p.color; return p.grade !== undefined ? gradeColors[p.grade] : (colors[p.access] || "#1f5f8b"); }
  function lines(texts) {
    var box = document.createElement("div");
    texts.forEach(function (line) {
      var row = document.createElement("div");
      row.textContent = line;
      box.appendChild(row);
    });
    return box;
  }
  fetch(el.dataset.source, { credentials: "same-origin" })
    .then(function (r) { return r.json(); })
    .then(function (data) {
      // Desa drawn as areas when they are the children shown (a kecamatan's map), as lines
      // under the kecamatan areas otherwise.
      var levels = data.boundaries.features.filter(function (f) { return !f.properties.outline; })
        .map(function (f) { return f.properties.level; });
      var single = levels.every(function (l) { return l === "desa"; });
      var shapes = L.geoJSON(data.boundaries, {
        style: function (f) {
          if (f.properties.outline) return { color: "#333", weight: 2, fill: false };
          if (f.properties.level === "desa" && !single)
            return { color: "#9aa9b6", weight: 0.6, dashArray: "2 3", fill: false, interactive: false };
          return { color: "#4d6275", weight: 1.4, fillColor: "#dfe8ef", fillOpacity: 0.35 };
        },
        onEachFeature: function (f, layer) {
          if (!f.properties.outline && f.properties.tooltip) layer.bindTooltip(lines(f.properties.tooltip.split("\n")), { sticky: true });
          else if (!f.properties.outline) layer.bindTooltip(f.properties.name, { sticky: true });
          if (!f.properties.outline && f.properties.level !== "desa") {
            layer.on("click", function () {
              window.location = el.dataset.tpsUrl + "?wilayah=" + f.properties.code + "&pemilu=" + el.dataset.election
                + (el.dataset.query ? "&" + el.dataset.query : "");
            });
          }
        }
      }).addTo(map);
      var points = L.geoJSON(data.tps, {
        pointToLayer: function (f, latlng) {
          // A guard post stands at one TPS of its group: drawn larger, ringed in black.
          var post = f.properties.post === true;
          return L.circleMarker(latlng, { radius: post ? 7 : 4, weight: post ? 2 : 1, color: post ? "#111" : "#fff",
            fillColor: colorOf(f.properties), fillOpacity: 0.9 });
        },
        onEachFeature: function (f, layer) {
          var p = f.properties;
          var extra = p.label !== undefined ? String(p.label).split("\n") : [el.dataset.labelDpt + " " + p.dpt, p.why || ""];
          layer.bindPopup(lines(["TPS " + p.code, p.desa].concat(extra)));
        }
      }).addTo(map);
      var bounds = shapes.getBounds();
      if (!bounds.isValid()) bounds = points.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [10, 10] });
      else map.setView([-2.5, 118], 5);
      if (data.tps_count > data.tps_shown) {
        var note = L.control({ position: "topright" });
        note.onAdd = function () {
          var d = L.DomUtil.create("div", "map-note");
          d.textContent = el.dataset.labelTooMany;
          return d;
        };
        note.addTo(map);
      }
      el.dataset.loaded = String(data.tps_shown);
    });
})();
