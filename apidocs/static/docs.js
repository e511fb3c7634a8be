// Starts Swagger UI on the document named by #swagger-ui's data-spec-url.
window.addEventListener("load", function () {
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    docExpansion: "none",  // 220+ operations: tags first, one click opens a domain
    defaultModelsExpandDepth: -1,
    withCredentials: true,
    presets: [SwaggerUIBundle.presets.apis],
  });
});
