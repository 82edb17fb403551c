// Refuses a chosen file that is larger than the server accepts, before a phone spends its data
// on the upload: the message appears beside the field and the choice is cleared. Every limit is
// checked again on the server; the forms work fully without this script.
//
// Why this and not a form answering a request that is too large: the server cuts such a
// request off (413) without reading its body, so it cannot give back what was typed. The total
// checked here is a whole submission's room for every form with one file input, and the forms
// with several (the administration's imports) cannot together reach the cap; so with this
// script the 413 is never reached from our forms. Without it, the 413 page states the limits
// and sends the person back with the browser's Back button, which keeps what they typed.
(function () {
  "use strict";

  var inputs = document.querySelectorAll("input[type=file][data-max-bytes]");
  Array.prototype.forEach.call(inputs, function (input) {
    var note = document.createElement("p");
    note.className = "field__error";
    note.setAttribute("aria-live", "polite");
    note.hidden = true;
    input.insertAdjacentElement("afterend", note);

    input.addEventListener("change", function () {
      var most = Number(input.getAttribute("data-max-bytes"));
      var total = Number(input.getAttribute("data-max-total"));
      var sum = 0;
      var problem = "";
      Array.prototype.forEach.call(input.files || [], function (file) {
        sum += file.size;
        if (!problem && file.size > most) {
          problem = input.getAttribute("data-too-large").replace("{name}", file.name);
        }
      });
      if (!problem && total && sum > total) {
        problem = input.getAttribute("data-too-much");
      }
      note.textContent = problem;
      note.hidden = !problem;
      input.setAttribute("aria-invalid", problem ? "true" : "false");
      if (problem) {
        input.value = "";
      }
    });
  });
})();
