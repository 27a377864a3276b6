// ashyq: the protocol entry form checks the control ratios as the operator types. Without
// this script the "Check" button does the same with a page load. The check is the server's:
// the script sends the numbers to /portal/r/{id}/enter/check and shows the HTML it answers.
(function () {
  "use strict";
  var form = document.querySelector("form.entry[data-check]");
  var out = document.getElementById("check");
  if (!form || !out || !window.fetch || !window.DOMParser || !window.URLSearchParams) return;
  var url = form.getAttribute("data-check");
  var timer = null, seq = 0;

  function query() {
    var params = new URLSearchParams();
    var inputs = form.querySelectorAll("input[name]");
    for (var i = 0; i < inputs.length; i++) {
      var el = inputs[i];
      // The form token stays in the form: it is for writes, and a URL can leak.
      if (el.type === "hidden") continue;
      params.append(el.name, el.value);
    }
    return params.toString();
  }

  function blank() {
    var inputs = form.querySelectorAll("input[name]:not([type=hidden])");
    for (var i = 0; i < inputs.length; i++) if (inputs[i].value.trim() !== "") return false;
    return true;
  }

  function check() {
    if (blank()) { out.innerHTML = ""; return; }
    var mine = ++seq;
    fetch(url + "?" + query(), { headers: { "Accept": "text/html" }, credentials: "same-origin" })
      .then(function (r) { return r.text(); })
      .then(function (text) {
        if (mine !== seq) return; // an older answer arriving late
        var doc = new DOMParser().parseFromString(text, "text/html");
        var fresh = doc.querySelector(".check");
        out.innerHTML = fresh ? fresh.outerHTML : "";
      })
      .catch(function () {});
  }

  form.addEventListener("input", function () {
    if (timer) clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
