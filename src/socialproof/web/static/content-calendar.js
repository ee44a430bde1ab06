/* Content calendar: drag a post to another day. Dropping fills the post's own
   date field and submits its Move form, so mouse and keyboard take one path
   (the form works without this file). No inline script, no eval (CSP). */
(function () {
  "use strict";
  function ready(root) {
    var dragged = null;
    root.querySelectorAll('.cal .post[draggable="true"]').forEach(function (post) {
      post.addEventListener("dragstart", function (e) {
        dragged = post;
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", post.dataset.name || "");
      });
      post.addEventListener("dragend", function () { dragged = null; });
    });
    root.querySelectorAll(".cal > li[data-day]").forEach(function (day) {
      day.addEventListener("dragover", function (e) {
        if (!dragged) { return; }
        e.preventDefault();
        day.classList.add("drop-over");
      });
      day.addEventListener("dragleave", function () { day.classList.remove("drop-over"); });
      day.addEventListener("drop", function (e) {
        e.preventDefault();
        day.classList.remove("drop-over");
        if (!dragged) { return; }
        var form = dragged.querySelector("form.move");
        var input = form && form.querySelector('input[name="day"]');
        if (!input || input.value === day.dataset.day) { return; }
        input.value = day.dataset.day;
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { ready(document); });
})();
