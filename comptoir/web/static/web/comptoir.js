/* Comptoir's page behaviours, kept out of the HTML so that the Content-Security-Policy can
   forbid inline scripts (settings.SECURE_CSP: script-src 'self'). Each behaviour is switched on
   by markup: */
(function () {
  "use strict";
  function each(selector, fn) { document.querySelectorAll(selector).forEach(fn); }

  /* A table wider than its .table-wrap scrolls: the keyboard can reach it to scroll it. */
  each(".table-wrap", function (el) {
    if (el.scrollWidth > el.clientWidth) { el.tabIndex = 0; }
  });

  /* <select data-autosubmit>, and the storefront filters' radios and checkboxes: submit on change. */
  each("[data-autosubmit], #filters input[type=radio], #filters input[type=checkbox]", function (el) {
    el.addEventListener("change", function () { el.form.requestSubmit(); });
  });

  /* Checkout: a delivery choice or the country recomputes the totals ("Update totals"). */
  each("#checkout-form input[type=radio], #checkout-form select[name=country]", function (el) {
    el.addEventListener("change", function () {
      var update = document.querySelector("#checkout-form button[value=update]");
      if (update) { update.click(); }
    });
  });

  /* <form data-busy-on-submit>: dim the form and disable its button while the server works. */
  each("form[data-busy-on-submit]", function (form) {
    form.addEventListener("submit", function () {
      form.classList.add("busy");
      var button = form.querySelector("button");
      if (button) { button.disabled = true; }
    });
  });

  /* <select data-switch-action>: post the form to the URL of the chosen option (seller switch). */
  each("select[data-switch-action]", function (el) {
    el.addEventListener("change", function () { el.form.action = el.value; el.form.submit(); });
  });

  /* <datalist data-for="input-id">: the input suggests the list's options; with
     data-options-url the options are fetched (htmx) as the user types: url + "&city=<typed>". */
  each("datalist[data-for]", function (list) {
    var input = document.getElementById(list.getAttribute("data-for"));
    if (!input) { return; }
    input.setAttribute("list", list.id);
    var url = list.getAttribute("data-options-url");
    if (!url) { return; }
    input.setAttribute("autocomplete", "off");
    var timer;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        htmx.ajax("GET", url + "&city=" + encodeURIComponent(input.value), {target: list, swap: "innerHTML"});
      }, 150);
    });
  });

  /* <button data-print>: print the page (invoices). */
  each("[data-print]", function (el) {
    el.addEventListener("click", function () { window.print(); });
  });
})();
