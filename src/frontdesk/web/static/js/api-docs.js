// Starts Swagger UI on /api/docs from a file, so the page's CSP (script-src 'self') holds.
// The options are those FastAPI's get_swagger_ui_html passes; validatorUrl null keeps the
// page from loading a badge from validator.swagger.io.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  showExtensions: true,
  showCommonExtensions: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
});
