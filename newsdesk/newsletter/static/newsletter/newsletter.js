// Enhances the signup box: posts without leaving the page and shows the answer in place.
// Without this script the form is a plain POST and the server answers with a full page.
// Its own messages come from the form's data-failed and data-offline attributes, translated by the template.
(function () {
  "use strict";
  function enhance(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    var status = form.querySelector("[data-newsletter-status]");
    var error = form.querySelector("[data-newsletter-error]");
    var email = form.querySelector("input[name=email]");
    var button = form.querySelector("button[type=submit]");
    form.addEventListener("submit", function (event) {
      if (!window.fetch || !window.FormData) return;
      event.preventDefault();
      error.textContent = "";
      status.textContent = "";
      status.className = "nl-status";
      email.removeAttribute("aria-invalid");
      button.disabled = true;
      fetch(form.action, {
        method: "POST",
        body: new FormData(form),
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          return response.json().catch(function () {
            return { ok: false, message: form.dataset.failed };
          });
        })
        .then(function (answer) {
          button.disabled = false;
          if (answer.ok) {
            var done = document.createElement("p");
            done.className = "nl-status nl-done";
            done.setAttribute("role", "status");
            done.textContent = answer.message;
            form.replaceChildren(done);
            return;
          }
          if (answer.field === "email") {
            error.textContent = answer.message;
            email.setAttribute("aria-invalid", "true");
            email.focus();
          } else {
            status.textContent = answer.message;
            status.className = "nl-status nl-status-error";
          }
        })
        .catch(function () {
          button.disabled = false;
          status.textContent = form.dataset.offline;
          status.className = "nl-status nl-status-error";
        });
    });
  }
  function init() {
    document.querySelectorAll("form[data-newsletter-form]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
