// Progressive enhancement of GroupedCheckboxes (kooperationsatlas/widgets.py): a filter
// field above the groups. Without JavaScript the grouped checkboxes work on their own.
(function () {
  "use strict";
  var each = function (list, fn) {
    Array.prototype.forEach.call(list, fn);
  };
  // Lower case without accents, so "mun" finds "München" and "Koln" finds "Köln".
  var fold = function (text) {
    return text.toLowerCase().normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/ß/g, "ss");
  };

  each(document.querySelectorAll("[data-multichoice]"), function (box, number) {
    var noun = box.getAttribute("data-noun") || "Einträge";
    var id = (box.id || "multichoice-" + number) + "-filter";
    var field = document.createElement("div");
    field.className = "multichoice__filter";
    field.innerHTML =
      '<label for="' + id + '"></label><p class="hint" id="' + id + '-hint"></p>' +
      '<input type="search" id="' + id + '" autocomplete="off" aria-describedby="' + id + '-hint ' + id + '-status">' +
      '<p class="multichoice__status" id="' + id + '-status" role="status"></p>';
    field.querySelector("label").textContent = noun + " filtern";
    field.querySelector(".hint").textContent =
      "Einen Teil des Namens eingeben; die Liste zeigt dann nur die passenden. " +
      "Was schon angekreuzt ist, bleibt angekreuzt.";
    box.insertBefore(field, box.firstChild);
    var input = field.querySelector("input");
    var status = field.querySelector(".multichoice__status");
    var groups = box.querySelectorAll(".multichoice__group");

    var apply = function () {
      var query = fold(input.value.trim());
      var shown = 0;
      var total = 0;
      each(groups, function (group) {
        var heading = group.querySelector("legend, summary");
        var headingMatches = query && heading && fold(heading.textContent).indexOf(query) !== -1;
        var visibleInGroup = 0;
        each(group.querySelectorAll("li"), function (item) {
          total += 1;
          var matches = !query || headingMatches || fold(item.textContent).indexOf(query) !== -1;
          item.hidden = !matches;
          if (matches) visibleInGroup += 1;
        });
        shown += visibleInGroup;
        group.hidden = visibleInGroup === 0;
        if (group.tagName === "DETAILS") {
          if (!group.hasAttribute("data-was-open")) {
            group.setAttribute("data-was-open", group.open ? "1" : "0");
          }
          group.open = query ? visibleInGroup > 0 : group.getAttribute("data-was-open") === "1";
          if (!query) group.removeAttribute("data-was-open");
        }
      });
      status.textContent = query
        ? (shown === 0 ? "Keine " + noun + " passen zu „" + input.value.trim() + "“."
          : shown + " von " + total + " " + noun + " passen.")
        : "";
    };

    input.addEventListener("input", apply);
    // Enter in the filter must not send the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });

    // The "(n ausgewählt)" of folded groups follows the ticks.
    box.addEventListener("change", function (event) {
      var group = event.target.closest("details.multichoice__group");
      if (!group) return;
      var count = group.querySelectorAll("input[type=checkbox]:checked").length;
      group.querySelector(".multichoice__count").textContent = count ? "(" + count + " ausgewählt)" : "";
    });
  });
})();
