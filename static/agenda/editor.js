// Agenda editor: drag a session to another time or room, or drag its bottom edge to resize it.
// Every change goes to the same service as the forms (POST JSON); the answer's conflicts are shown.
(function () {
  "use strict";
  var grid = document.getElementById("agenda-grid");
  if (!grid) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var start = new Date(grid.dataset.forumStart).getTime();
  var stepMs = Number(grid.dataset.stepMinutes) * 60000;
  var steps = Number(grid.dataset.steps);
  var rooms = grid.dataset.rooms ? grid.dataset.rooms.split(",") : [];
  var panel = document.getElementById("agenda-conflicts");
  // Grid placement arrives in data- attributes (the Content-Security-Policy allows no inline styles).
  grid.style.setProperty("--rooms", grid.dataset.gridRooms);
  grid.style.setProperty("--steps", grid.dataset.steps);
  Array.prototype.forEach.call(grid.querySelectorAll("[data-grid-row],[data-grid-column]"), function (el) {
    if (el.dataset.gridRow) { el.style.gridRow = el.dataset.gridRow; }
    if (el.dataset.gridColumn) { el.style.gridColumn = el.dataset.gridColumn; }
  });
  var dragged = null, grabOffset = 0;

  function rowHeight() {
    var label = grid.querySelector(".time-label");
    var first = grid.querySelector(".room-head");
    var rows = grid.getBoundingClientRect().height - (first ? first.getBoundingClientRect().height : 0);
    return rows / steps;
  }

  function cellAt(x, y) {
    var box = grid.getBoundingClientRect();
    var head = grid.querySelector(".room-head").getBoundingClientRect();
    var step = Math.floor((y - head.bottom) / rowHeight());
    var heads = grid.querySelectorAll(".room-head");
    var column = heads.length - 1;
    for (var i = 0; i < heads.length; i += 1) {
      var r = heads[i].getBoundingClientRect();
      if (x >= r.left && x < r.right + 4) { column = i; break; }
    }
    return { step: Math.max(0, Math.min(steps - 1, step)), room: column < rooms.length ? rooms[column] : "" };
  }

  function iso(ms) { return new Date(ms).toISOString(); }

  function showConflicts(list) {
    var ul = panel.querySelector("ul");
    ul.innerHTML = "";
    panel.querySelector(".count").textContent = String(list.length);
    if (!list.length) {
      var li = document.createElement("li");
      li.className = "muted";
      li.textContent = ul.dataset.empty;
      ul.appendChild(li);
    }
    list.forEach(function (c) {
      var item = document.createElement("li");
      item.className = "conflict conflict-" + c.kind;
      item.textContent = c.message;
      ul.appendChild(item);
    });
    grid.querySelectorAll(".session").forEach(function (el) {
      var mine = list.filter(function (c) { return c.sessions.indexOf(Number(el.dataset.id)) >= 0; });
      el.classList.toggle("has-conflict", mine.length > 0);
      var warn = el.querySelector(".session-warnings");
      warn.innerHTML = "";
      mine.forEach(function (c) {
        var li = document.createElement("li");
        li.textContent = c.message;
        warn.appendChild(li);
      });
    });
  }

  function place(el, startsMs, endsMs, room) {
    var row = Math.round((startsMs - start) / stepMs) + 2;
    var span = Math.max(1, Math.round((endsMs - startsMs) / stepMs));
    var column = rooms.indexOf(String(room));
    el.style.gridRow = row + " / span " + span;
    el.style.gridColumn = String((column < 0 ? rooms.length : column) + 2);
  }

  function send(el, startsMs, endsMs, room) {
    var body = { starts_at: iso(startsMs), ends_at: iso(endsMs), room_id: room || null,
                 version: Number(el.dataset.version) };
    return fetch(el.dataset.moveUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
      body: JSON.stringify(body)
    }).then(function (response) {
      return response.json().then(function (data) { return { ok: response.ok, data: data }; });
    }).then(function (answer) {
      if (!answer.ok) {
        window.alert(grid.dataset.error + " " + answer.data.error.message);
        return;
      }
      var s = answer.data.session;
      el.dataset.version = s.version;
      el.dataset.startsAt = s.starts_at;
      el.dataset.endsAt = s.ends_at;
      el.dataset.room = s.room_id || "";
      place(el, new Date(s.starts_at).getTime(), new Date(s.ends_at).getTime(), s.room_id || "");
      var when = el.querySelector(".when");
      var fmt = function (t) { return new Date(t).toLocaleTimeString("en-GB", { hour: "2-digit", minute: "2-digit", timeZone: "Asia/Hong_Kong" }); };
      when.textContent = fmt(s.starts_at) + "\u2013" + fmt(s.ends_at);
      showConflicts(answer.data.all_conflicts);
    });
  }

  grid.addEventListener("dragstart", function (event) {
    dragged = event.target.closest(".session");
    if (!dragged) { return; }
    grabOffset = Math.floor((event.clientY - dragged.getBoundingClientRect().top) / rowHeight());
    dragged.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", dragged.dataset.id);
  });
  grid.addEventListener("dragend", function () { if (dragged) { dragged.classList.remove("dragging"); } });
  grid.addEventListener("dragover", function (event) { if (dragged) { event.preventDefault(); } });
  grid.addEventListener("drop", function (event) {
    if (!dragged) { return; }
    event.preventDefault();
    var el = dragged;
    dragged = null;
    el.classList.remove("dragging");
    var cell = cellAt(event.clientX, event.clientY);
    var length = new Date(el.dataset.endsAt).getTime() - new Date(el.dataset.startsAt).getTime();
    var startsMs = start + Math.max(0, cell.step - grabOffset) * stepMs;
    send(el, startsMs, startsMs + length, cell.room);
  });

  // Resizing: drag the bottom edge with the mouse; the end snaps to 5 minutes.
  grid.addEventListener("mousedown", function (event) {
    if (!event.target.classList.contains("resize")) { return; }
    event.preventDefault();
    var el = event.target.closest(".session");
    el.setAttribute("draggable", "false");
    function up(e) {
      document.removeEventListener("mouseup", up);
      el.setAttribute("draggable", "true");
      var cell = cellAt(el.getBoundingClientRect().left + 2, e.clientY);
      var startsMs = new Date(el.dataset.startsAt).getTime();
      var endsMs = Math.max(startsMs + stepMs, start + (cell.step + 1) * stepMs);
      send(el, startsMs, endsMs, el.dataset.room);
    }
    document.addEventListener("mouseup", up);
  });
}());
