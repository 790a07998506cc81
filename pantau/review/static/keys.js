// Keyboard shortcuts of the review app. Loaded from this file only (the CSP allows no inline script).
// Queue: j/k move the selection, Enter or o opens. Match page: j/k next/previous, c/r/e decide,
// n focuses the note, u goes back to the queue. Everywhere: ? toggles the help dialog.
(function () {
  "use strict";
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }
  function click(id) {
    var el = document.getElementById(id);
    if (el) { el.click(); return true; }
    return false;
  }
  function follow(id) {
    var el = document.getElementById(id);
    if (el && el.href) { window.location.assign(el.href); return true; }
    return false;
  }
  var help = document.getElementById("help");
  function toggleHelp() {
    if (!help || typeof help.showModal !== "function") return;
    if (help.open) help.close(); else help.showModal();
  }
  var opener = document.getElementById("help-open");
  if (opener) opener.addEventListener("click", toggleHelp);

  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tr.row"));
  var current = -1;
  function select(i) {
    if (!rows.length) return;
    if (i < 0) i = 0;
    if (i >= rows.length) i = rows.length - 1;
    if (current >= 0) rows[current].classList.remove("current");
    current = i;
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  rows.forEach(function (row, i) {
    row.addEventListener("click", function (ev) {
      if (ev.target.closest("a")) return;
      window.location.assign(row.getAttribute("data-href"));
    });
  });
  if (rows.length) select(0);

  var page = document.body.getAttribute("data-page");
  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    if (help && help.open && ev.key !== "?") return;   // the dialog handles Escape itself
    var handled = true;
    switch (ev.key) {
      case "?": toggleHelp(); break;
      case "j":
        if (page === "queue") select(current + 1); else handled = follow("nav-next");
        break;
      case "k":
        if (page === "queue") select(current - 1); else handled = follow("nav-prev");
        break;
      case "Enter": case "o":
        if (page === "queue" && current >= 0) window.location.assign(rows[current].getAttribute("data-href"));
        else handled = false;
        break;
      case "c": handled = page === "match" && click("decide-confirmed"); break;
      case "r": handled = page === "match" && click("decide-rejected"); break;
      case "e": handled = page === "match" && click("decide-escalated"); break;
      case "n":
        var note = document.getElementById("note");
        if (note) note.focus(); else handled = false;
        break;
      case "u": handled = follow("nav-queue"); break;
      default: handled = false;
    }
    if (handled) ev.preventDefault();
  });
})();
