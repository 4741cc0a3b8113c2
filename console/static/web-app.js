// The console opened as a Mini App: the messenger puts its signed launch data in the address's
// fragment (#tgWebAppData=…), which the browser never sends; this hands it to the sign-in form.
// The server checks the signature, freshness, single use and the person's role.
(function () {
  "use strict";
  var fragment = new URLSearchParams(window.location.hash.slice(1));
  var data = fragment.get("tgWebAppData");
  if (!data) {
    return; // opened elsewhere: the page says to use /console's link
  }
  document.getElementById("web-app-outside").hidden = true;
  history.replaceState(null, "", window.location.pathname); // the data leaves the address bar
  document.getElementById("init-data").value = data;
  document.getElementById("web-app").submit();
})();
