// Suggests known employers in the filing form as the name is typed, and fills in the unified
// social credit code when a known name is picked. The form works fully without this script.
(function () {
  "use strict";

  var list = document.getElementById("employer-suggestions");
  if (!list || !window.fetch) {
    return;
  }
  var input = document.querySelector('input[list="employer-suggestions"]');
  var uscc = document.getElementById(list.getAttribute("data-uscc-field"));
  if (!input) {
    return;
  }
  var known = {};
  var timer = null;
  var asked = "";

  function show(employers) {
    known = {};
    list.textContent = "";
    employers.forEach(function (employer) {
      known[employer.name] = employer;
      var option = document.createElement("option");
      option.value = employer.name;
      option.label = [employer.uscc, employer.street].filter(Boolean).join(" · ");
      list.appendChild(option);
    });
  }

  function search() {
    var text = input.value.trim();
    if (text.length < 2 || text === asked) {
      return;
    }
    asked = text;
    var url = list.getAttribute("data-search-url") + "?q=" + encodeURIComponent(text);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : [];
      })
      .then(function (employers) {
        if (input.value.trim() === text) {
          show(employers);
        }
      })
      .catch(function () {});
  }

  input.addEventListener("input", function () {
    var picked = known[input.value];
    if (picked && picked.uscc && uscc) {
      uscc.value = picked.uscc;
      return;
    }
    window.clearTimeout(timer);
    timer = window.setTimeout(search, 250);
  });
})();
