// Vega AI dashboard behaviour. Everything works without this file; it adds
// the CSRF header to htmx requests, drag-and-drop on the board, and
// auto-submitting filters. No inline script is allowed by the CSP, so every
// handler is attached here.
(function () {
  "use strict";

  function csrfToken() {
    var m = document.querySelector('meta[name="csrf-token"]');
    return m ? m.getAttribute("content") : "";
  }

  // htmx sends the session's CSRF token as X-CSRF-Token.
  document.addEventListener("htmx:configRequest", function (ev) {
    ev.detail.headers["X-CSRF-Token"] = csrfToken();
  });

  // postStatus moves job id to status; it resolves when the server agreed.
  function postStatus(id, status) {
    var body = new URLSearchParams();
    body.set("status", status);
    return fetch("/jobs/" + encodeURIComponent(id) + "/status", {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-CSRF-Token": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString()
    }).then(function (resp) {
      if (!resp.ok) { throw new Error("status " + resp.status); }
    });
  }

  // recount updates each board column's count.
  function recount(board) {
    board.querySelectorAll(".column").forEach(function (col) {
      var n = col.querySelectorAll(".board-card").length;
      var extra = parseInt(col.getAttribute("data-hidden") || "0", 10);
      var out = col.querySelector(".column-count");
      if (out) { out.textContent = String(n + extra); }
    });
  }

  // moveCard puts card into the column of status and sets its select.
  function moveCard(board, card, status) {
    var list = board.querySelector('.column[data-status="' + status + '"] ol');
    if (!list) { return; }
    list.insertBefore(card, list.firstChild);
    card.setAttribute("data-status", status);
    var sel = card.querySelector("select[name=status]");
    if (sel) { sel.value = status; }
    recount(board);
  }

  function announce(board, text) {
    var live = board.parentNode.querySelector(".board-live");
    if (live) { live.textContent = text; }
  }

  function setupBoard(board) {
    var dragged = null;
    board.querySelectorAll(".board-card").forEach(function (card) {
      card.setAttribute("draggable", "true");
      card.addEventListener("dragstart", function (ev) {
        dragged = card;
        card.classList.add("dragging");
        ev.dataTransfer.effectAllowed = "move";
        ev.dataTransfer.setData("text/plain", card.getAttribute("data-id"));
      });
      card.addEventListener("dragend", function () {
        card.classList.remove("dragging");
        dragged = null;
      });
      // The select moves the card at once; the Move button stays for
      // keyboard users who prefer to confirm.
      var form = card.querySelector("form.move");
      if (form) {
        form.addEventListener("submit", function (ev) {
          ev.preventDefault();
          var status = form.querySelector("select[name=status]").value;
          var from = card.getAttribute("data-status");
          if (status === from) { return; }
          postStatus(card.getAttribute("data-id"), status).then(function () {
            moveCard(board, card, status);
            announce(board, "Moved " + card.querySelector("h3").textContent.trim() + ".");
            form.querySelector("select[name=status]").focus();
          }).catch(function () { form.submit(); });
        });
        form.querySelector("select[name=status]").addEventListener("change", function () {
          form.requestSubmit();
        });
      }
    });
    board.querySelectorAll(".column").forEach(function (col) {
      col.addEventListener("dragover", function (ev) {
        if (!dragged) { return; }
        ev.preventDefault();
        ev.dataTransfer.dropEffect = "move";
        col.classList.add("drop-target");
      });
      col.addEventListener("dragleave", function () { col.classList.remove("drop-target"); });
      col.addEventListener("drop", function (ev) {
        ev.preventDefault();
        col.classList.remove("drop-target");
        var card = dragged;
        var status = col.getAttribute("data-status");
        if (!card || card.getAttribute("data-status") === status) { return; }
        postStatus(card.getAttribute("data-id"), status).then(function () {
          moveCard(board, card, status);
          announce(board, "Moved " + card.querySelector("h3").textContent.trim() + ".");
        }).catch(function () { announce(board, "Could not move the job; reload the page."); });
      });
    });
  }

  // "Select all" on the jobs table.
  function setupSelectAll(box) {
    box.addEventListener("change", function () {
      document.querySelectorAll('input[name="id"][form="' + box.getAttribute("data-form") + '"], form#' +
        box.getAttribute("data-form") + ' input[name="id"]').forEach(function (cb) { cb.checked = box.checked; });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".board").forEach(setupBoard);
    document.querySelectorAll("input.select-all").forEach(setupSelectAll);
  });
})();
