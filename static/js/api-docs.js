// The API documentation page: Swagger UI over /api/openapi.json, all from this site.
(function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  if (!node || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: node.getAttribute("data-spec-url"),
    domNode: node,
    deepLinking: true,
    validatorUrl: null, // no badge from validator.swagger.io: nothing leaves the site
    tryItOutEnabled: false,
  });
})();
