/* The query editor: YASGUI (installed from npm into vendor/) against this endpoint, with the
   example queries of the page. Without YASGUI the plain form of the page is used. */
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("sparql-examples").textContent);
  var root = document.getElementById("yasgui");
  var plain = document.getElementById("plain-editor");
  var yasgui = null;

  if (root && typeof window.Yasgui === "function") {
    var endpoint = new URL(root.getAttribute("data-endpoint"), window.location.href).href;
    yasgui = new window.Yasgui(root, {
      requestConfig: { endpoint: endpoint, method: "POST" },
      copyEndpointOnNewTab: false,
      populateFromUrl: true,
      persistenceId: "kuntadigi-" + window.location.host,
      endpointCatalogueOptions: {
        getData: function () { return [{ endpoint: endpoint }]; }
      },
      yasqe: { value: examples.length ? examples[0].query : "" }
    });
    var tab = yasgui.getTab();
    if (tab && tab.getEndpoint && tab.getEndpoint() !== endpoint) {
      tab.setEndpoint(endpoint);
    }
  } else if (plain) {
    plain.hidden = false;
  }

  Array.prototype.forEach.call(document.querySelectorAll("button[data-example]"), function (button) {
    button.addEventListener("click", function () {
      var example = examples[Number(button.getAttribute("data-example"))];
      if (!example) { return; }
      if (yasgui) {
        var current = yasgui.getTab();
        current.setQuery(example.query);
        current.query();
      } else if (plain) {
        plain.querySelector("textarea").value = example.query;
      }
    });
  });
})();
