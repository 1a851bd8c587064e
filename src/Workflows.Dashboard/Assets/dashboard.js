// Live updates for the Workflows dashboard: no framework, no network but this host.
// A page with data-live listens to its server-sent events; on "changed" it fetches itself again and swaps #live.
// A job page's log section appends the lines its stream sends.
(function () {
  "use strict";
  var body = document.body;
  var live = body.getAttribute("data-live");
  var region = document.getElementById("live");
  if (live && region && window.EventSource) {
    var url = live + (live.indexOf("?") < 0 ? "?" : "&") + "fp=" + encodeURIComponent(region.getAttribute("data-fp") || "");
    var source = new EventSource(url);
    var busy = false, again = false;
    var refresh = function () {
      if (busy) { again = true; return; }
      busy = true;
      fetch(location.href, { credentials: "same-origin", headers: { "X-Workflows-Live": "1" } })
        .then(function (r) { return r.text(); })
        .then(function (text) {
          var doc = new DOMParser().parseFromString(text, "text/html");
          var fresh = doc.getElementById("live");
          var now = document.getElementById("live");
          if (fresh && now) { now.innerHTML = fresh.innerHTML; now.setAttribute("data-fp", fresh.getAttribute("data-fp") || ""); }
          // A job that ended (or started) changes what can be pressed: take the new actions too.
          var freshActions = doc.querySelector("section.actions"), actions = document.querySelector("section.actions");
          if (freshActions && actions) { actions.innerHTML = freshActions.innerHTML; }
          var freshLineage = doc.querySelector("section.lineage"), lineage = document.querySelector("section.lineage");
          if (freshLineage && lineage) { lineage.innerHTML = freshLineage.innerHTML; }
        })
        .catch(function () { /* the next change tries again */ })
        .then(function () { busy = false; if (again) { again = false; refresh(); } });
    };
    source.addEventListener("changed", refresh);
  }

  var logs = document.querySelector("[data-log-stream]");
  if (logs && window.EventSource) {
    var seen = {};
    logs.querySelectorAll("span.l[data-key]").forEach(function (s) { seen[s.getAttribute("data-key")] = true; });
    var stream = new EventSource(logs.getAttribute("data-log-stream"));
    stream.addEventListener("lines", function (e) {
      var lines = JSON.parse(e.data);
      lines.forEach(function (l) {
        var holder = document.createElement("div");
        holder.innerHTML = l.html;
        var span = holder.firstElementChild;
        if (!span || seen[span.getAttribute("data-key")]) { return; }
        seen[span.getAttribute("data-key")] = true;
        var section = null;
        logs.querySelectorAll("details.log").forEach(function (d) { if (d.getAttribute("data-task") === l.task) { section = d; } });
        if (!section) {
          var none = logs.querySelector(".none");
          if (none) { none.remove(); }
          section = document.createElement("details");
          section.className = "log"; section.open = true; section.id = "task-" + l.task;
          section.setAttribute("data-task", l.task);
          var summary = document.createElement("summary"); summary.textContent = l.task;
          section.appendChild(summary); section.appendChild(document.createElement("pre"));
          logs.appendChild(section);
        }
        var pre = section.querySelector("pre");
        pre.appendChild(span); pre.appendChild(document.createTextNode("\n"));
      });
    });
    stream.addEventListener("end", function () { stream.close(); logs.setAttribute("data-ended", ""); });
  }
})();
