// aiccd console: the little script the pages need, no framework.
// - [data-copy="#id"] buttons copy the element's value or text.
// - [data-confirm] buttons ask before their form is sent.
// - [data-poll] elements are refreshed from their URL every data-every ms
//   while the page is visible (and, for the journal, while "Live" is on),
//   until the fragment holds a [data-done] element.
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
  if (el.querySelector("[data-done]")) { return; }
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
        // A finished job's fragment marks itself done: stop asking.
        if (!el.querySelector("[data-done]")) { setTimeout(tick, every); }
      })
      .catch(function () { setTimeout(tick, every * 2); });
  }
  setTimeout(tick, every);
}

document.querySelectorAll("[data-poll]").forEach(poll);

// [data-check] inputs are checked as they are typed: the value is posted
// (with the session's CSRF token) to the check's URL, and the answer is
// shown in the element named by data-result, the offending part marked.
function check(input) {
  var out = document.getElementById(input.getAttribute("data-result"));
  var timer = null, seq = 0;
  function show(res, value) {
    out.textContent = "";
    var p = document.createElement("p");
    if (res.valid) {
      p.className = "ok";
      p.appendChild(document.createTextNode("Valid. Its normal form: "));
      var code = document.createElement("code");
      code.textContent = res.normal;
      p.appendChild(code);
      input.removeAttribute("aria-invalid");
    } else {
      p.className = "bad";
      p.id = input.id + "-error";
      p.textContent = res.message;
      input.setAttribute("aria-invalid", "true");
      var at = document.createElement("p");
      at.className = "mark mono";
      at.appendChild(document.createTextNode(value.slice(0, res.start)));
      var mark = document.createElement("mark");
      mark.textContent = value.slice(res.start, res.end) || " ";
      at.appendChild(mark);
      at.appendChild(document.createTextNode(value.slice(res.end)));
      out.appendChild(p);
      p = at;
      p.setAttribute("aria-label", "at characters " + (res.start + 1) + " to " + Math.max(res.end, res.start + 1));
    }
    out.appendChild(p);
  }
  function send() {
    var value = input.value, mine = ++seq;
    var body = new URLSearchParams();
    body.set("csrf", input.getAttribute("data-csrf"));
    body.set("rule", value);
    fetch(input.getAttribute("data-check"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-Console-Fetch": "1" }
    }).then(function (res) {
      if (res.status === 401) { location.reload(); throw new Error("signed out"); }
      return res.ok ? res.json() : null;
    }).then(function (res) {
      if (res && mine === seq) { show(res, value); }
    }).catch(function () {});
  }
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(send, 200);
  });
}

document.querySelectorAll("[data-check]").forEach(check);
