/* Door scanner and self check-in kiosk.
 * Camera frames are decoded with the vendored jsQR; each code is sent to the check-in API with a
 * fresh nonce. When the network fails (staff mode), scans wait in localStorage and go out through
 * the batch endpoint when it returns; the nonce makes any resend harmless. */
(function () {
  "use strict";
  var cfg = JSON.parse(document.getElementById("scanner-config").textContent);
  var W = cfg.words;
  var staff = cfg.mode === "staff";
  // Scans wait offline only where there is a batch endpoint to send them to later.
  var queueing = staff && !!cfg.batchUrl;
  var csrf = (document.querySelector("meta[name=csrf-token]") || {}).content || "";
  var $ = function (id) { return document.getElementById(id); };
  // The booth's lead scanner reuses this file with its own code shape and answers.
  var CODE_RE = cfg.codePattern ? new RegExp(cfg.codePattern) : /^HKF[0-9][A-Z2-7]{32}$/;
  var WARN = cfg.warnResults || ["already_checked_in"];
  // The networking tables reuse it too: their "point" is the table, sent as cfg.pointName.
  var pointEl = $(cfg.pointField || "point"), resultEl = $("result"), queueEl = $("queue"), logEl = $("log");
  var video = $("video"), canvas = $("frame"), cameraState = $("camera-state");
  var idleTimer = null;

  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, key) { return values[key] == null ? "" : values[key]; });
  }
  function randomHex(bytes) {
    var a = new Uint8Array(bytes);
    window.crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function store(key, value) { try { localStorage.setItem(key, value); } catch (e) { /* private mode */ } }
  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }

  var deviceId = read("forum-device-id");
  if (!deviceId) { deviceId = (staff ? "scanner-" : "kiosk-") + randomHex(6); store("forum-device-id", deviceId); }

  if (staff && pointEl && pointEl.tagName === "SELECT") {
    var saved = read(cfg.queueKey + ":point");
    if (saved && Array.prototype.some.call(pointEl.options, function (o) { return o.value === saved; })) pointEl.value = saved;
    pointEl.addEventListener("change", function () { store(cfg.queueKey + ":point", pointEl.value); });
  }

  /* ---- sound: a short WebAudio beep, high for welcome, middle for a warning, low for a refusal ---- */
  var audio = null;
  function beep(kind) {
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = kind === "ok" ? 880 : kind === "warn" ? 520 : 220;
      gain.gain.value = 0.15;
      osc.connect(gain); gain.connect(audio.destination);
      osc.start(); osc.stop(audio.currentTime + (kind === "bad" ? 0.35 : 0.15));
    } catch (e) { /* no audio: the colour says it */ }
  }

  /* ---- showing an answer ---- */
  function setText(id, text) { var el = $(id); if (el) el.textContent = text || ""; }
  function show(answer, code) {
    var r = answer.result;
    var tone = r === "ok" ? "ok" : (WARN.indexOf(r) >= 0 || r === "queued") ? "warn" : "bad";
    resultEl.className = "result result-" + tone;
    resultEl.setAttribute("data-result", r);
    setText("result-word", W[r] || r);
    var p = answer.attendee;
    setText("result-name", p ? (p.name_en || p.name_zh) : "");
    setText("result-other", p && p.name_en && p.name_zh ? p.name_zh : "");
    setText("result-org", p ? p.organisation : "");
    setText("result-access", p && p.access_needs ? W.access + ": " + p.access_needs : "");
    var note = "";
    if (r === "already_checked_in" && answer.checked_in_at) {
      note = fmt(W.first_at, {time: answer.checked_in_at.slice(11, 16), point: (cfg.pointNames || {})[answer.point] || answer.point || ""});
    } else if (r === "queued") {
      note = W.offline_note;
    } else if (answer.error) {
      note = answer.error.message;
    } else if (answer.note) {
      note = answer.note;
    }
    setText("result-note", note);
    var badge = $("badge");
    if (badge) {
      badge.hidden = !answer.badge_url;
      if (answer.badge_url) $("badge-link").href = answer.badge_url;
    }
    beep(tone);
    log(code, answer);
    clearTimeout(idleTimer);
    if (!staff) idleTimer = setTimeout(idle, 10000);
  }
  function idle() {
    resultEl.className = "result result-idle";
    resultEl.removeAttribute("data-result");
    ["result-name", "result-other", "result-org", "result-access", "result-note"].forEach(function (id) { setText(id, ""); });
    setText("result-word", staff ? W.ready : resultEl.getAttribute("data-idle-word") || W.ready);
    if ($("badge")) $("badge").hidden = true;
  }
  if (!staff) resultEl.setAttribute("data-idle-word", $("result-word").textContent);

  function log(code, answer) {
    if (!logEl) return;
    var li = document.createElement("li");
    var p = answer.attendee;
    li.className = "log-" + answer.result;
    li.setAttribute("data-result", answer.result);
    li.textContent = new Date().toTimeString().slice(0, 8) + "  " + (W["log_" + answer.result] || W[answer.result] || answer.result) +
      (p ? "  " + [p.name_en, p.name_zh].filter(Boolean).join(" ") : "  " + String(code || "").slice(0, 12) + "…");
    logEl.insertBefore(li, logEl.firstChild);
    while (logEl.children.length > 30) logEl.removeChild(logEl.lastChild);
  }

  /* ---- the offline queue ---- */
  function loadQueue() { try { return JSON.parse(read(cfg.queueKey) || "[]"); } catch (e) { return []; } }
  function saveQueue(items) { store(cfg.queueKey, JSON.stringify(items)); showQueue(); }
  function showQueue() {
    if (!queueEl) return;
    var n = loadQueue().length;
    queueEl.hidden = n === 0;
    queueEl.setAttribute("data-count", String(n));
    queueEl.textContent = fmt(W.waiting, {n: n});
  }
  function enqueue(scan) {
    var items = loadQueue();
    items.push(scan);
    saveQueue(items);
    show({result: "queued", attendee: null}, scan.code);
  }

  var flushing = false;
  function flush() {
    if (flushing || !queueing || navigator.onLine === false) return;
    var items = loadQueue();
    if (!items.length) return;
    flushing = true;
    var chunk = items.slice(0, 25);
    post(cfg.batchUrl, {scans: chunk}).then(function (response) {
      if (!response.ok) throw new Error("status " + response.status);
      return response.json();
    }).then(function (data) {
      var sent = {};
      chunk.forEach(function (s) { sent[s.nonce] = true; });
      saveQueue(loadQueue().filter(function (s) { return !sent[s.nonce]; }));
      data.results.forEach(function (answer, i) { log(chunk[i].code, answer); });
      setText("result-note", fmt(W.sent, {n: chunk.length}));
      flushing = false;
      if (loadQueue().length) setTimeout(flush, 300);
    }).catch(function () { flushing = false; });
  }
  window.addEventListener("online", flush);
  setInterval(flush, 3000);
  showQueue();
  flush();

  /* ---- sending one scan ---- */
  function post(url, body) {
    return fetch(url, {method: "POST", credentials: "same-origin", body: JSON.stringify(body),
                       headers: {"Content-Type": "application/json", "X-CSRFToken": csrf}});
  }

  function submit(code) {
    // Typed off a badge in groups of four: spaces and dashes (also full-width) are not part of the code.
    code = String(code || "").replace(/[\s\-\u2010-\u2014\u2212\u3000\uff0d]+/g, "").toUpperCase();
    if (!code) return;
    var scan = {code: code, nonce: randomHex(16), scanned_at: new Date().toISOString(), device_id: deviceId};
    if (pointEl && pointEl.value) scan[cfg.pointName || "point"] = pointEl.value;
    if (queueing && (navigator.onLine === false || loadQueue().length)) {
      // Keep the order: while anything waits, new scans wait behind it.
      if (!CODE_RE.test(code.toUpperCase())) return show({result: "invalid", attendee: null, error: {message: W.not_a_code}}, code);
      enqueue(scan);
      flush();
      return;
    }
    post(cfg.scanUrl, scan).then(function (response) {
      if (response.status >= 500 || (staff && response.status === 429)) throw new Error("retry later");
      return response.json().then(function (data) {
        if (!response.ok) return show({result: "error", attendee: null, error: data.error}, code);
        show(data, code);
      });
    }).catch(function () {
      if (!queueing) return show({result: "error", attendee: null}, code);
      if (!CODE_RE.test(code.toUpperCase())) return show({result: "invalid", attendee: null, error: {message: W.not_a_code}}, code);
      enqueue(scan);
    });
  }

  /* ---- camera ---- */
  var last = {code: null, at: 0};
  function found(code) {
    var now = Date.now();
    // The same ticket still in view (or held up again at once) is not sent again for a while.
    if (code === last.code && now - last.at < 8000) return;
    last = {code: code, at: now};
    submit(code);
  }
  function tick() {
    if (video.readyState >= 2 && video.videoWidth) {
      var scale = Math.min(1, 640 / video.videoWidth);
      var w = Math.round(video.videoWidth * scale), h = Math.round(video.videoHeight * scale);
      if (canvas.width !== w) { canvas.width = w; canvas.height = h; }
      var ctx = canvas.getContext("2d", {willReadFrequently: true});
      ctx.drawImage(video, 0, 0, w, h);
      var qr = window.jsQR(ctx.getImageData(0, 0, w, h).data, w, h, {inversionAttempts: "dontInvert"});
      if (qr && qr.data) found(qr.data);
    }
    setTimeout(tick, 120);
  }
  function startCamera() {
    if (!video || !navigator.mediaDevices || !navigator.mediaDevices.getUserMedia || !window.jsQR) {
      if (cameraState) cameraState.textContent = W.camera_off;
      return;
    }
    navigator.mediaDevices.getUserMedia({audio: false, video: {facingMode: "environment"}}).then(function (stream) {
      video.srcObject = stream;
      return video.play();
    }).then(function () {
      if (cameraState) cameraState.hidden = true;
      document.body.setAttribute("data-camera", "on");
      tick();
    }).catch(function () {
      if (cameraState) cameraState.textContent = W.camera_off;
      video.hidden = true;
    });
  }
  startCamera();

  /* ---- typing a code, searching by name ---- */
  var manual = $("manual");
  if (manual) manual.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = $("manual-code");
    submit(input.value);
    input.value = "";
    input.focus();
  });
  var search = $("search");
  if (search) search.addEventListener("submit", function (event) {
    event.preventDefault();
    var list = $("search-results");
    fetch(cfg.searchUrl + "?q=" + encodeURIComponent($("search-q").value),
          {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { return r.json(); })
      .then(function (data) {
        list.innerHTML = "";
        if (data.error || !data.attendees.length) {
          var none = document.createElement("li");
          none.textContent = data.error ? data.error.message : W.no_match;
          list.appendChild(none);
          return;
        }
        data.attendees.forEach(function (a) {
          var li = document.createElement("li");
          var label = document.createElement("span");
          label.textContent = [a.name_en, a.name_zh].filter(Boolean).join(" ") + (a.organisation ? " · " + a.organisation : "");
          var button = document.createElement("button");
          button.type = "button";
          button.className = "button";
          button.textContent = a.has_ticket ? W.check_in : W.no_ticket;
          button.disabled = !a.has_ticket;
          // The page never holds the person's ticket code: the server checks them in by id.
          button.addEventListener("click", function () { checkInById(a.id); });
          li.appendChild(label); li.appendChild(button);
          list.appendChild(li);
        });
      }).catch(function () { list.innerHTML = ""; });
  });

  function checkInById(id) {
    var body = {nonce: randomHex(16), device_id: deviceId};
    if (pointEl && pointEl.value) body.point = pointEl.value;
    var url = cfg.attendeeUrl.replace(/\/0$/, "/" + encodeURIComponent(id));
    post(url, body).then(function (response) {
      return response.json().then(function (data) {
        show(response.ok ? data : {result: "error", attendee: null, error: data.error}, "#" + id);
      });
    }).catch(function () { show({result: "error", attendee: null}, "#" + id); });
  }
})();
