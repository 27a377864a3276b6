// ashyq: keeps a result page live. The page works without this script; with it, every
// `progress` event from /api/v1/events that moves this contest's count re-fetches the same
// page and swaps in its #live part, so the numbers are always rendered by the server.
(function () {
  "use strict";
  var main = document.getElementById("main");
  if (!main || !window.EventSource || !window.fetch || !window.DOMParser) return;
  var id = main.getAttribute("data-live");
  if (!id) return;
  var status = document.createElement("p");
  status.className = "live-status";
  status.setAttribute("role", "status");
  main.insertBefore(status, main.firstChild);
  var last = null, busy = false, again = false;

  function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    fetch(location.href, { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
      .then(function (text) {
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.getElementById("live"), old = document.getElementById("live");
        if (fresh && old) {
          var open = old.querySelector("details[open]");
          old.innerHTML = fresh.innerHTML;
          if (open) { var d = old.querySelector("details"); if (d) d.open = true; }
          main.setAttribute("data-updated", String(Date.now()));
          status.textContent = (main.getAttribute("data-updated-label") || "") + " " + new Date().toLocaleTimeString(document.documentElement.lang);
        }
      })
      .catch(function () {})
      .then(function () {
        // At most one refresh every two seconds per page, however fast the log moves; a
        // change seen meanwhile is fetched when the pause ends.
        setTimeout(function () {
          busy = false;
          if (again) { again = false; refresh(); }
        }, 2000);
      });
  }

  function onProgress(e) {
    var data;
    try { data = JSON.parse(e.data); } catch (_) { return; }
    var all = (data.referendums || []).concat(data.elections || [], data.presidential || []);
    for (var i = 0; i < all.length; i++) {
      var c = all[i];
      if (c.id !== id) continue;
      var key = c.precincts_reported + "/" + c.status + "/" + c.open_conflicts;
      if (key !== last) refresh();
      last = key;
    }
  }

  // One stream per visible page. A page kept in the back/forward cache must not hold its
  // connection: browsers allow only six per server, and the next page would wait for one.
  var source = null;
  function open() {
    if (source) return;
    source = new EventSource("/api/v1/events");
    source.addEventListener("progress", onProgress);
  }
  function close() {
    if (source) { source.close(); source = null; }
  }
  window.addEventListener("pagehide", close);
  window.addEventListener("pageshow", function (e) { if (e.persisted) { last = null; open(); } });
  open();
})();
