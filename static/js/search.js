// Optional progressive enhancement for the search page; everything works without it.
(function () {
  "use strict";
  var each = function (list, fn) {
    Array.prototype.forEach.call(list, fn);
  };

  // Leave empty fields out of the URL, so shared links stay short.
  each(document.querySelectorAll("form[data-compact-url]"), function (form) {
    form.addEventListener("submit", function () {
      each(form.elements, function (field) {
        if (field.name && !field.disabled && field.type !== "submit" && field.value === "") {
          field.disabled = true;
          field.setAttribute("data-compacted", "");
        }
      });
    });
  });

  // The back button may restore the page from cache: enable the fields again.
  window.addEventListener("pageshow", function () {
    each(document.querySelectorAll("[data-compacted]"), function (field) {
      field.disabled = false;
      field.removeAttribute("data-compacted");
    });
  });

  // After a search, move focus to the errors or to the results heading (screen readers
  // then read the count); the link target #treffer already scrolls there.
  var target = document.getElementById("fehler");
  if (!target && window.location.hash === "#treffer") {
    target = document.getElementById("treffer");
  }
  if (target) {
    target.focus();
  }
})();
