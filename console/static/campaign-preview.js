// The campaign form's preview, kept up to date while typing: an enhancement (without script,
// «پیش‌نمایش» shows it). A second after the last change, the form (without a newly chosen
// file: a picture is sent only with the buttons) is posted with do=preview, and the card the
// server drew replaces the one shown; while the form has a problem the last card stays.
(function () {
  "use strict";
  var form = document.getElementById("campaign-form");
  if (!form || !window.fetch || !window.FormData || !window.DOMParser) {
    return;
  }
  var timer = null;
  var asked = 0;

  function refresh() {
    timer = null;
    var mine = (asked += 1);
    var data = new FormData(form);
    data.delete("image");
    data.set("do", "preview");
    fetch(form.getAttribute("action"), { method: "POST", body: data, credentials: "same-origin" })
      .then(function (response) {
        return response.status === 200 ? response.text() : null;
      })
      .then(function (html) {
        if (!html || mine !== asked) {
          return;
        }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview");
        var shown = document.getElementById("preview");
        if (!fresh) {
          return;
        }
        if (shown) {
          shown.replaceWith(fresh);
        } else {
          form.insertAdjacentElement("afterend", fresh);
        }
      })
      .catch(function () {});
  }

  function later() {
    if (timer !== null) {
      window.clearTimeout(timer);
    }
    timer = window.setTimeout(refresh, 1000);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", function (event) {
    if (event.target && event.target.type !== "file") {
      later();
    }
  });
})();
