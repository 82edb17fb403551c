// The error summary (GOV.UK Design System's pattern): on a page that answers with problems the
// summary takes the focus, so that it is read first; each of its links puts the cursor in the
// field it names, its label in view. Without this script the links still scroll to the field.
(function () {
  "use strict";

  var summary = document.querySelector(".error-summary");
  if (!summary) {
    return;
  }
  summary.focus();
  summary.addEventListener("click", function (event) {
    var link = event.target.closest("a[href^='#']");
    var target = link && document.getElementById(link.getAttribute("href").slice(1));
    if (!target) {
      return;
    }
    event.preventDefault();
    var label = target.labels && target.labels[0];
    (label || target).scrollIntoView();
    target.focus({ preventScroll: true });
  });
})();
