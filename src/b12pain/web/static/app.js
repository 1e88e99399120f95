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

// The body map: regions act as checkboxes (click, Space or Enter); each keeps the form's own
// checkbox of the same region in step, and the plain checkbox list is hidden once this works.
(function () {
  "use strict";
  function setUp(root) {
    (root || document).querySelectorAll("[data-body-map]").forEach(function (map) {
      var field = map.closest("fieldset");
      var list = field.querySelector("[data-region-inputs]");
      if (!list || map.dataset.ready) { return; }
      map.dataset.ready = "1";
      list.hidden = true;
      map.querySelectorAll("[data-region]").forEach(function (region) {
        var box = list.querySelector("input[value='" + region.dataset.region + "']");
        function toggle() {
          var on = region.getAttribute("aria-checked") !== "true";
          region.setAttribute("aria-checked", on ? "true" : "false");
          if (box) { box.checked = on; }
        }
        region.addEventListener("click", toggle);
        region.addEventListener("keydown", function (event) {
          if (event.key === " " || event.key === "Enter") { event.preventDefault(); toggle(); }
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { setUp(document); });
  document.addEventListener("htmx:afterSwap", function (event) { setUp(event.target); });
})();

// Long work (an import) shows that it is under way: forms marked data-busy="…" reveal their
// message when submitted and disable the button so it is not pressed twice.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-busy]")) { return; }
    var status = form.querySelector("[data-busy-status]");
    if (status) { status.textContent = form.getAttribute("data-busy"); status.hidden = false; }
    var button = form.querySelector("button[type=submit]");
    if (button) { button.setAttribute("aria-disabled", "true"); button.disabled = true; }
  });
})();
