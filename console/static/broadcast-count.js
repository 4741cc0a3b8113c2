// The broadcast composer's recipient count, kept up to date as the segment changes: an
// enhancement (without script, the «count» button shows it). Asks GET …/broadcasts/count.
(function () {
  "use strict";
  var select = document.getElementById("f-segment");
  var shown = document.getElementById("recipient-count");
  if (!select || !shown || !window.fetch) {
    return;
  }
  var asked = 0;
  select.addEventListener("change", function () {
    var mine = (asked += 1);
    var url = select.getAttribute("data-count-url") + "?segment=" + encodeURIComponent(select.value);
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (answer) {
        if (answer && mine === asked) {
          shown.textContent = answer.text;
        }
      })
      .catch(function () {});
  });
})();
