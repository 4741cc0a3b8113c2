// Live updates for the console's home, queue and ticket pages: an enhancement (every page works
// with JavaScript off). The page asks the server, every few seconds while it is visible, for the
// stamp of what it shows (GET …/changes → {"stamp": "…"}); when the stamp moved, the page is
// shown again. A person typing is never interrupted: they get a link to the new state instead.
(function () {
  "use strict";
  var live = document.getElementById("live");
  if (!live || !window.fetch) {
    return;
  }
  var url = live.getAttribute("data-url");
  var stamp = live.getAttribute("data-stamp");
  var reload = live.getAttribute("data-reload");
  var every = parseInt(live.getAttribute("data-every"), 10) || 10000;
  var timer = null;
  var failures = 0;
  var stopped = false;

  function typing() {
    var active = document.activeElement;
    if (active && /^(INPUT|TEXTAREA|SELECT)$/.test(active.tagName) && active.type !== "hidden") {
      return true;
    }
    var fields = document.querySelectorAll("textarea, input[type=text], input[type=search]");
    for (var i = 0; i < fields.length; i += 1) {
      var field = fields[i];
      var kept = field.tagName === "TEXTAREA" ? "" : field.defaultValue;
      if (field.value.trim() !== kept.trim()) {
        return true;
      }
    }
    var boxes = document.querySelectorAll("input[type=checkbox]");
    for (var j = 0; j < boxes.length; j += 1) {
      if (boxes[j].checked !== boxes[j].defaultChecked) {
        return true;
      }
    }
    var selects = document.querySelectorAll("select");
    for (var k = 0; k < selects.length; k += 1) {
      var shown = 0;
      for (var n = 0; n < selects[k].options.length; n += 1) {
        if (selects[k].options[n].defaultSelected) {
          shown = n;
        }
      }
      if (selects[k].selectedIndex !== shown) {
        return true;
      }
    }
    return String(window.getSelection ? window.getSelection() : "") !== "";
  }

  function changed() {
    stopped = true;
    if (typing()) {
      document.getElementById("live-notice").hidden = false;
      return;
    }
    if (window.location.pathname + window.location.search === reload) {
      window.location.reload();
    } else {
      window.location.replace(reload);
    }
  }

  function poll() {
    timer = null;
    if (stopped || document.hidden) {
      return; // visible again: polling resumes
    }
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (response.status === 401 || response.status === 403 || response.status === 404) {
          stopped = true; // signed out or gone: the next click shows why
          return null;
        }
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (answer) {
        failures = 0;
        if (answer && answer.stamp !== stamp) {
          changed();
        } else {
          schedule();
        }
      })
      .catch(function () {
        failures += 1; // a network hiccup or a restart: ask again, less often
        schedule();
      });
  }

  function schedule() {
    if (!stopped && timer === null) {
      timer = window.setTimeout(poll, every * Math.min(1 + failures, 6));
    }
  }

  document.addEventListener("visibilitychange", function () {
    if (!document.hidden) {
      schedule();
    }
  });
  schedule();
})();
