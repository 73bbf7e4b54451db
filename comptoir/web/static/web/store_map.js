// Draws the store map(s): each element with data-store-map holds its markers as JSON in
// data-markers ([{lat, lon, name, url}]) and the tile URL in data-tiles. Without tiles, the
// element stays hidden and the page shows the address alone.
(function () {
  "use strict";
  document.querySelectorAll("[data-store-map]").forEach(function (element) {
    var tiles = element.getAttribute("data-tiles");
    if (!tiles || typeof L === "undefined") { return; }
    var markers = JSON.parse(element.getAttribute("data-markers") || "[]");
    if (!markers.length) { return; }
    element.hidden = false;
    var map = L.map(element, { scrollWheelZoom: false });
    L.tileLayer(tiles, { maxZoom: 18, attribution: element.getAttribute("data-attribution") || "" }).addTo(map);
    var bounds = [];
    markers.forEach(function (m) {
      var marker = L.marker([m.lat, m.lon], { title: m.name, alt: m.name }).addTo(map);
      marker.bindPopup(m.url ? '<a href="' + encodeURI(m.url) + '">' + m.name.replace(/</g, "&lt;") + "</a>" : m.name.replace(/</g, "&lt;"));
      bounds.push([m.lat, m.lon]);
    });
    if (bounds.length === 1) { map.setView(bounds[0], 14); } else { map.fitBounds(bounds, { padding: [30, 30] }); }
  });
})();
