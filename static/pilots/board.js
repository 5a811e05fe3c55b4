// Pipeline board: drag a card onto a column to move the pilot. The drop fills in and sends the
// card's own form, the same one keyboard and screen-reader users press "Move" on.
(function () {
  "use strict";
  var board = document.querySelector(".board");
  if (!board) { return; }
  var message = document.getElementById("board-message");
  var dragged = null;

  function say(text) {
    message.textContent = text;
    message.hidden = false;
  }

  board.addEventListener("dragstart", function (event) {
    var card = event.target.closest(".board-card[draggable=true]");
    if (!card) { return; }
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.dataset.pilot);
    card.classList.add("dragging");
  });
  board.addEventListener("dragend", function () {
    if (dragged) { dragged.classList.remove("dragging"); }
    board.querySelectorAll(".drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
  });
  board.addEventListener("dragover", function (event) {
    var column = event.target.closest(".board-column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    column.classList.add("drop-target");
  });
  board.addEventListener("dragleave", function (event) {
    var column = event.target.closest(".board-column");
    if (column && !column.contains(event.relatedTarget)) { column.classList.remove("drop-target"); }
  });
  board.addEventListener("drop", function (event) {
    var column = event.target.closest(".board-column");
    if (!column || !dragged) { return; }
    event.preventDefault();
    var form = dragged.querySelector("form.card-move");
    var stage = column.dataset.stage;
    var select = form.querySelector("select[name=stage]");
    if (!select.querySelector('option[value="' + stage + '"]')) {
      say(board.dataset.notAllowed);
      return;
    }
    select.value = stage;
    var reason = form.querySelector("select[name=reason]");
    if (stage === "discontinued" && reason && !reason.value) {
      say(board.dataset.reasonNeeded);
      reason.focus();
      return;
    }
    form.submit();
  });
})();
