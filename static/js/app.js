// Joint Plan's small enhancements. Every page works without this file.
(function () {
  "use strict";
  // When a form comes back with errors, move focus to the summary so screen-reader and keyboard
  // users learn at once what to fix; each entry links to its field.
  var summary = document.querySelector("[data-error-summary]");
  if (summary) {
    summary.focus();
  }
})();
