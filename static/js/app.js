/* Behaviour shared by every page. Templates hold no inline script or event handler (the
 * Content-Security-Policy forbids them): they mark elements with data- attributes instead. */
(function () {
  "use strict";

  // <form data-confirm="Sure?">: ask before sending.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    // A button may ask its own question (<button data-confirm="...">), e.g. "Cancel" in a form that also saves.
    var button = event.submitter;
    var question = (button && button.getAttribute && button.getAttribute("data-confirm")) ||
                   (form && form.getAttribute && form.getAttribute("data-confirm"));
    if (question && !window.confirm(question)) event.preventDefault();
  }, true);

  // <input type="checkbox" data-select-all="ids">: ticks or clears every checkbox named "ids".
  document.addEventListener("change", function (event) {
    var box = event.target;
    var name = box && box.getAttribute && box.getAttribute("data-select-all");
    if (!name) return;
    var scope = box.form || document;
    Array.prototype.forEach.call(scope.querySelectorAll("input[type=checkbox]"), function (other) {
      if (other.name === name) other.checked = box.checked;
    });
  });

  // <button data-fullscreen="ticket">: shows that element full screen where the browser can.
  Array.prototype.forEach.call(document.querySelectorAll("[data-fullscreen]"), function (button) {
    var target = document.getElementById(button.getAttribute("data-fullscreen"));
    if (!target || !target.requestFullscreen) { button.hidden = true; return; }
    button.addEventListener("click", function () { target.requestFullscreen().catch(function () {}); });
  });
})();

/* The phone menu: a real <button aria-expanded> (keyboard and screen readers); Escape closes it. */
(function () {
  "use strict";
  var toggle = document.querySelector(".nav-toggle");
  if (!toggle) return;
  function set(open) { toggle.setAttribute("aria-expanded", open ? "true" : "false"); }
  toggle.addEventListener("click", function () { set(toggle.getAttribute("aria-expanded") !== "true"); });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") { set(false); toggle.focus(); }
  });
})();

/* <div id="…" data-refresh="5">: while the work it shows is running, the region is read afresh from
 * this page's address every few seconds and replaced in place. No page reload, so nothing moves the
 * reader's focus or scroll (a meta refresh does, and fails WCAG 2.2.1). The server leaves data-refresh
 * off once nothing runs, which ends the updates. */
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-refresh][id]"), function (region) {
    var seconds = Math.max(2, parseInt(region.getAttribute("data-refresh"), 10) || 5);
    function update() {
      fetch(window.location.href, {credentials: "same-origin", headers: {"Accept": "text/html"}})
        .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (!fresh) return;
          if (region.innerHTML !== fresh.innerHTML) region.innerHTML = fresh.innerHTML;  // live regions re-announce a swap
          if (fresh.hasAttribute("data-refresh")) setTimeout(update, seconds * 1000);
          else region.removeAttribute("data-refresh");
        })
        .catch(function () { setTimeout(update, seconds * 2000); });  // offline for a moment: later
    }
    setTimeout(update, seconds * 1000);
  });
})();
