// b12pain's own script: small, no tracking. Moves focus to the error summary when a form comes
// back with problems (so screen-reader and keyboard users land on the list), and does the same
// after htmx swaps one in.
(function () {
  "use strict";
  function focusErrors(root) {
    var summary = (root || document).querySelector("[data-focus-first]");
    if (summary) { summary.focus(); }
  }
  document.addEventListener("DOMContentLoaded", function () { focusErrors(document); });
  document.addEventListener("htmx:afterSwap", function (event) { focusErrors(event.target); });
  // A link in the error summary moves focus into the field it names.
  document.addEventListener("click", function (event) {
    var link = event.target.closest(".error-summary a[href^='#']");
    if (!link) { return; }
    var field = document.getElementById(link.getAttribute("href").slice(1));
    if (field) { event.preventDefault(); field.focus(); field.scrollIntoView({block: "center"}); }
  });
})();
