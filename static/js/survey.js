/* Erhebung: hide the fields for "Gemeinsam mit anderen Kommunen" while another answer is
   chosen, and move the focus to the error summary after a failed submission. Without this
   script the fields are always shown (the server ignores them) and the summary is read
   out as an alert. */
(function () {
  "use strict";
  var groups = document.querySelectorAll(".survey-joint[data-joint-for]");
  Array.prototype.forEach.call(groups, function (group) {
    var name = group.getAttribute("data-joint-for");
    var joint = group.getAttribute("data-joint-value");
    var radios = document.querySelectorAll('input[type="radio"][name="' + name + '"]');
    function update() {
      var chosen = document.querySelector('input[type="radio"][name="' + name + '"]:checked');
      // Shown when "gemeinsam" is chosen, or when it holds an error to correct.
      var show = (chosen && chosen.value === joint) || group.querySelector(".field-error");
      group.hidden = !show;
    }
    Array.prototype.forEach.call(radios, function (radio) {
      radio.addEventListener("change", update);
    });
    update();
  });
  var summary = document.getElementById("fehler");
  if (summary) {
    summary.focus();
  }
})();
