// Optional: fills the <datalist> of the place field as the user types. The form works
// without it (the server resolves names and offers candidates).
(function () {
  "use strict";
  var input = document.querySelector("input[data-places-url]");
  var list = input && document.getElementById(input.getAttribute("list"));
  if (!input || !list || !window.fetch) {
    return;
  }
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var text = input.value.trim();
    if (text.length < 2 || text === last) {
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      last = text;
      fetch(input.getAttribute("data-places-url") + "?q=" + encodeURIComponent(text), {
        headers: { Accept: "application/json" },
      })
        .then(function (response) {
          return response.ok ? response.json() : { results: [] };
        })
        .then(function (data) {
          list.textContent = "";
          data.results.forEach(function (place) {
            var option = document.createElement("option");
            // The key resolves unambiguously; the label says which place it is.
            option.value = place.key;
            option.label = place.label;
            option.textContent = place.label;
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 200);
  });
})();
