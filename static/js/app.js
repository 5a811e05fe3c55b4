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
