/* socialproof workbench: progressive enhancement only. Every page works without
   this file; with it, charts become interactive and the import page uploads files
   one by one with progress. No eval, no inline scripts (see the CSP). */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  /* Charts: <div class="vega-chart" data-spec-id="..."> + <script type="application/json">,
     or <div class="vega-chart" data-spec="{...}"> holding a report's static SVG (render.html
     chart_html): the same Vega-Lite spec, drawn here; the SVG comes back if drawing fails. */
  /* The chart libraries (840 KB) load after the page's first paint, in order, and only
     on pages with charts: the page shows its figures and tables first. */
  var CHART_SCRIPTS = ["vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "vega-interpreter.js"];
  var chartsLoading = null;
  function loadChartScripts(done) {
    if (window.vegaEmbed) { done(); return; }
    if (!chartsLoading) {
      chartsLoading = [];
      var left = CHART_SCRIPTS.length;
      CHART_SCRIPTS.forEach(function (name) {
        var s = document.createElement("script");
        s.src = "/static/vendor/" + name;
        s.async = false;  /* executed in the order inserted */
        s.onload = s.onerror = function () {
          left -= 1;
          if (left === 0) { chartsLoading.forEach(function (f) { f(); }); chartsLoading = []; }
        };
        document.head.appendChild(s);
      });
    }
    chartsLoading.push(done);
  }

  function afterPaint(fn) {
    if (window.requestAnimationFrame) {
      window.requestAnimationFrame(function () { setTimeout(fn, 0); });
    } else {
      setTimeout(fn, 0);
    }
  }

  function drawCharts(root) {
    if (!root.querySelector(".vega-chart[data-spec-id], .vega-chart[data-spec]")) { return; }
    if (!window.vegaEmbed) {
      afterPaint(function () { loadChartScripts(function () { if (window.vegaEmbed) { drawCharts(root); } }); });
      return;
    }
    var opts = {
      actions: false, renderer: "svg", defaultStyle: false,
      tooltip: { disableDefaultStyle: true },
    };
    if (window.vegaInterpreter) {
      opts.ast = true;
      opts.expr = window.vegaInterpreter.expressionInterpreter;
    }
    root.querySelectorAll(".vega-chart[data-spec-id], .vega-chart[data-spec]").forEach(function (el) {
      if (el.dataset.drawn) { return; }
      var text;
      if (el.dataset.specId) {
        var source = document.getElementById(el.dataset.specId);
        if (!source) { return; }
        text = source.textContent;
      } else {
        text = el.dataset.spec;
      }
      el.dataset.drawn = "1";
      var label = el.getAttribute("aria-label") || el.dataset.label || "chart";
      var fallback = Array.prototype.slice.call(el.childNodes);
      var spec;
      try { spec = JSON.parse(text); } catch (err) { return; }
      el.replaceChildren();
      window.vegaEmbed(el, spec, opts).then(function () {
        el.classList.add("drawn");
        var svg = el.querySelector("svg");
        if (svg) {
          svg.setAttribute("role", "img");
          svg.setAttribute("aria-label", label);
          svg.setAttribute("focusable", "false");
        }
      }).catch(function (err) {
        el.replaceChildren.apply(el, fallback);
        if (!fallback.length) { el.textContent = "The chart could not be drawn: " + err.message; }
      });
    });
  }

  /* Import: per-file uploads with progress. The form posts every file at once
     without JavaScript; with it, each file goes as its own request. */
  var uploads = 0;
  function enhanceDropzones(root) {
    root.querySelectorAll("form[data-upload]").forEach(function (form) {
      if (form.dataset.enhanced) { return; }
      form.dataset.enhanced = "1";
      var zone = form.querySelector(".dropzone");
      var input = form.querySelector('input[type="file"]');
      var list = document.getElementById(form.dataset.upload);
      var url = form.dataset.uploadUrl || form.action;

      function send(files) {
        Array.prototype.forEach.call(files, function (file) { upload(file); });
      }

      function walk(entry) {
        if (entry.isFile) {
          entry.file(function (file) { if (file.name.charAt(0) !== ".") { upload(file); } });
        } else if (entry.isDirectory) {
          var reader = entry.createReader();
          var more = function () {
            reader.readEntries(function (children) {
              if (!children.length) { return; }
              children.forEach(walk);
              more();  /* readEntries returns at most 100 entries a call */
            });
          };
          more();
        }
      }

      function upload(file) {
        var li = document.createElement("li");
        var label = document.createElement("span");
        label.textContent = file.name + " ";
        var bar = document.createElement("progress");
        bar.max = 100; bar.value = 0;
        bar.setAttribute("aria-label", "Uploading " + file.name);
        li.appendChild(label); li.appendChild(bar);
        list.appendChild(li);
        var data = new FormData();
        form.querySelectorAll("select, input[type=text], input[type=number], input[type=hidden], input[type=checkbox]:checked").forEach(function (el) {
          if (el.name) { data.append(el.name, el.value); }
        });
        data.append("files", file, file.name);
        var xhr = new XMLHttpRequest();
        xhr.open("POST", url);
        xhr.setRequestHeader("X-CSRF-Token", csrfToken());
        xhr.setRequestHeader("HX-Request", "true");
        xhr.upload.addEventListener("progress", function (e) {
          if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
        });
        xhr.addEventListener("load", function () {
          var holder = document.createElement("div");
          if (xhr.getResponseHeader("content-type") && xhr.getResponseHeader("content-type").indexOf("text/html") === 0) {
            holder.innerHTML = xhr.responseText;  /* server-rendered, escaped by Jinja */
          } else {
            var p = document.createElement("p");
            p.className = "msg msg-error"; p.setAttribute("role", "alert");
            p.textContent = file.name + ": " + xhr.responseText;
            holder.appendChild(p);
          }
          li.replaceChildren.apply(li, Array.prototype.slice.call(holder.childNodes));
          if (window.htmx) { window.htmx.process(li); }
          /* a refused choice: the server names its field; mark it, as the page without
             JavaScript does, and point it at the message */
          var field = xhr.getResponseHeader("X-Invalid-Field");
          form.querySelectorAll("[aria-invalid]").forEach(function (el) {
            el.removeAttribute("aria-invalid");
            var said = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
              return id && id.indexOf("upload-msg-") !== 0;
            });
            if (said.length) { el.setAttribute("aria-describedby", said.join(" ")); } else { el.removeAttribute("aria-describedby"); }
          });
          var bad = field ? form.querySelector('[name="' + field.replace(/[^a-z_]/g, "") + '"]') : null;
          if (bad) {
            li.id = "upload-msg-" + (++uploads);
            bad.setAttribute("aria-invalid", "true");
            bad.setAttribute("aria-describedby", ((bad.getAttribute("aria-describedby") || "") + " " + li.id).trim());
            var details = bad.closest("details");
            if (details) { details.open = true; }
          }
        });
        xhr.addEventListener("error", function () {
          li.textContent = file.name + ": the upload failed (is the server still running?)";
        });
        xhr.send(data);
      }

      form.addEventListener("submit", function (e) {
        if (!input || !input.files || !input.files.length) { return; }
        e.preventDefault();
        send(input.files);
        input.value = "";
      });
      if (zone) {
        ["dragenter", "dragover"].forEach(function (t) {
          zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
        });
        ["dragleave", "drop"].forEach(function (t) {
          zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
        });
        zone.addEventListener("drop", function (e) {
          if (!e.dataTransfer) { return; }
          var items = e.dataTransfer.items;
          var entries = [];
          if (items) {
            Array.prototype.forEach.call(items, function (item) {
              var entry = item.webkitGetAsEntry ? item.webkitGetAsEntry() : null;
              if (entry) { entries.push(entry); }
            });
          }
          if (entries.length && entries.some(function (en) { return en.isDirectory; })) {
            entries.forEach(walk);  /* a dropped folder: upload the files inside it */
          } else if (e.dataTransfer.files.length) {
            send(e.dataTransfer.files);
          }
        });
      }
    });
  }

  /* Links with data-confirm ask first (the POST form behind them still needs the token). */
  function enhanceConfirms(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmReady) { return; }
      form.dataset.confirmReady = "1";
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.dataset.confirm)) { e.preventDefault(); }
      });
    });
  }

  /* A form that saves an editor's text too (Add an outcome saves the case study) sends
     the text as typed, not as the page loaded it (typed edits were lost). */
  function enhanceTextCopies(root) {
    root.querySelectorAll("form[data-text-from]").forEach(function (form) {
      if (form.dataset.textReady) { return; }
      form.dataset.textReady = "1";
      form.addEventListener("submit", function () {
        var source = document.querySelector(form.dataset.textFrom);
        var field = form.querySelector('input[name="text"]');
        if (source && field) { field.value = source.value; }
      });
    });
  }

  function enhance(root) {
    drawCharts(root);
    enhanceDropzones(root);
    enhanceConfirms(root);
    enhanceTextCopies(root);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:afterSettle", function (e) { enhance(e.target); });
})();
