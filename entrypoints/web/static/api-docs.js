// Start Swagger UI on the API's document (a file of its own: the CSP allows no inline script).
(function () {
  var holder = document.getElementById("swagger-ui");
  window.SwaggerUIBundle({ url: holder.dataset.spec, domNode: holder, deepLinking: true });
})();
