/* "Scan a booth poster": the phone camera reads the poster's QR (vendored jsQR) and opens the booth
 * page it names. Only booth pages of this site are followed; anything else is shown, never opened. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("booth-scan-config").textContent);
  var video = document.getElementById("video"), canvas = document.getElementById("frame");
  var state = document.getElementById("camera-state"), result = document.getElementById("result-word");
  var BOOTH = /^\/exhibitors\/forums\/[^/]+\/booths\/[A-Za-z0-9-]{1,12}$/;

  function open(text) {
    var url;
    try { url = new URL(text, window.location.href); } catch (e) { url = null; }
    if (url && url.origin === window.location.origin && BOOTH.test(url.pathname)) {
      result.textContent = cfg.words.opening;
      window.location.assign(url.pathname);
      return true;
    }
    result.textContent = cfg.words.not_a_booth;
    return false;
  }
  function tick() {
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
      if (canvas.width !== w) { canvas.width = w; canvas.height = h; }
      var ctx = canvas.getContext("2d", {willReadFrequently: true});
      ctx.drawImage(video, 0, 0, w, h);
      var qr = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "dontInvert"});
      if (qr && qr.data && open(qr.data)) return;
    }
    setTimeout(tick, 150);
  }
  if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
    state.textContent = cfg.words.camera_off;
    return;
  }
  navigator.mediaDevices.getUserMedia({audio: false, video: {facingMode: "environment"}}).then(function (stream) {
    video.srcObject = stream;
    return video.play();
  }).then(function () { state.hidden = true; tick(); })
    .catch(function () { state.textContent = cfg.words.camera_off; video.hidden = true; });
})();
