// aiccd console: the little script the pages need, no framework.
// - [data-copy="#id"] buttons copy the element's value or text.
// - [data-confirm] buttons ask before their form is sent.
// - [data-poll] elements are refreshed from their URL every data-every ms
//   while the page is visible (and, for the journal, while "Live" is on).
"use strict";

document.addEventListener("click", function (ev) {
  var copy = ev.target.closest("[data-copy]");
  if (copy) {
    var el = document.querySelector(copy.getAttribute("data-copy"));
    var text = el.value !== undefined ? el.value : el.textContent;
    var done = function () {
      var label = copy.textContent;
      copy.textContent = "Copied";
      setTimeout(function () { copy.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done);
    } else {
      var range = document.createRange();
      range.selectNodeContents(el);
      if (el.select) { el.select(); } else { getSelection().removeAllRanges(); getSelection().addRange(range); }
      document.execCommand("copy");
      done();
    }
    return;
  }
  var confirmer = ev.target.closest("[data-confirm]");
  if (confirmer && !window.confirm(confirmer.getAttribute("data-confirm"))) {
    ev.preventDefault();
  }
});

function poll(el) {
  var every = parseInt(el.getAttribute("data-every"), 10) || 5000;
  var toggle = document.querySelector('[data-controls="' + el.id + '"]');
  var last = "";
  function tick() {
    if (document.hidden || (toggle && !toggle.checked)) {
      return setTimeout(tick, every);
    }
    fetch(el.getAttribute("data-poll"), { headers: { "X-Console-Fetch": "1" }, credentials: "same-origin" })
      .then(function (res) {
        if (res.status === 401) { location.reload(); throw new Error("signed out"); }
        return res.ok ? res.text() : null;
      })
      .then(function (html) {
        if (html !== null && html !== last) { el.innerHTML = html; last = html; }
        setTimeout(tick, every);
      })
      .catch(function () { setTimeout(tick, every * 2); });
  }
  setTimeout(tick, every);
}

document.querySelectorAll("[data-poll]").forEach(poll);
