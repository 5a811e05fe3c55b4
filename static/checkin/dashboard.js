/* The live dashboard: refresh the part in #live (a fragment rendered by the same template,
 * at its data-src) every 5 seconds, unless a form in it is being filled. */
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live) return;
  setInterval(function () {
    if (live.contains(document.activeElement) && document.activeElement.tagName === "INPUT") return;
    fetch(live.getAttribute("data-src"), {credentials: "same-origin"}).then(function (r) {
      if (r.ok) return r.text().then(function (html) { live.innerHTML = html; });
    }).catch(function () {});
  }, 5000);
})();
