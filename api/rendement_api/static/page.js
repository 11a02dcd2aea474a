// Rendementmeter page: the reason is required when deviating; the print button; after an
// advice or a decision the address becomes the advice's own (a reload then reads it again
// instead of sending the form twice); the error summary gets the focus.
(function () {
  "use strict";
  var advice = document.getElementById("advice");
  if (advice && advice.dataset.url && window.history && window.history.replaceState) {
    window.history.replaceState(null, "", advice.dataset.url + window.location.hash);
  }
  var summary = document.getElementById("form-errors");
  if (summary) { summary.focus(); }
  var form = document.getElementById("decision-form");
  if (form) {
    var reason = document.getElementById("reason");
    var chosen = document.getElementById("chosen_instrument");
    var box = document.getElementById("deviation-fields");
    var update = function () {
      var deviated = document.getElementById("decision-deviated").checked;
      reason.required = deviated;
      chosen.required = deviated;
      box.hidden = !deviated;
    };
    form.addEventListener("change", update);
    update();
    form.addEventListener("submit", function (event) {
      var deviated = document.getElementById("decision-deviated").checked;
      if (deviated && reason.value.trim().length < 5) {
        reason.setCustomValidity("Geef de reden waarom u van het advies afwijkt (minstens 5 tekens).");
        reason.reportValidity();
        event.preventDefault();
      } else {
        reason.setCustomValidity("");
      }
    });
    reason.addEventListener("input", function () { reason.setCustomValidity(""); });
  }
  var printButton = document.getElementById("print");
  if (printButton) {
    printButton.addEventListener("click", function () { window.print(); });
  }
})();
