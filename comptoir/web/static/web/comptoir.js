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

  /* Checkout: a delivery choice or the country recomputes the totals ("Update totals").
     A choice made with the pointer (or picked from the select's open list) updates at once. A key
     press on the control (arrows, type-ahead, Space) only moves through the options (WCAG 3.2.2
     On Input): the choice is committed with Enter, or when the focus leaves the control (or the
     radio group) with a value other than the one the page was rendered with. The form posts the
     field to focus after the reload ("focus"): the control itself after Enter, the field the
     user was moving to after Tab, so that the keyboard user keeps their place. */
  (function () {
    var form = document.getElementById("checkout-form");
    var update = form && form.querySelector("button[value=update]");
    if (!update) { return; }
    var focus = document.createElement("input");
    focus.type = "hidden";
    focus.name = "focus";
    form.appendChild(focus);
    var keying = false, keyTimer;

    function controls(el) {  /* the select, or every radio of the group */
      return el.type === "radio" ? form.querySelectorAll("input[type=radio][name='" + el.name + "']") : [el];
    }
    function changed(el) {  /* differs from what the server rendered (and computed the totals for) */
      return Array.prototype.some.call(controls(el), function (c) {
        return c.type === "radio" ? c.checked !== c.defaultChecked
          : Array.prototype.some.call(c.options, function (o) { return o.selected !== o.defaultSelected; });
      });
    }
    function commit(name) {
      focus.value = name;
      update.click();
    }

    each("#checkout-form input[type=radio], #checkout-form select[name=country]", function (el) {
      el.addEventListener("keydown", function (event) {
        if (event.key === "Enter") {  /* on a radio, Enter submits the form anyway: keep the place */
          if (el.type === "radio" || changed(el)) { event.preventDefault(); commit(el.name); }
          return;
        }
        /* the change that the key makes comes before the key is released (Chromium dispatches it
           while handling the keydown); the timer ends a key press whose keyup went to an open list */
        keying = true;
        clearTimeout(keyTimer);
        keyTimer = setTimeout(function () { keying = false; }, 1000);
      });
      el.addEventListener("keyup", function () { setTimeout(function () { keying = false; }, 0); });
      el.addEventListener("change", function () { if (!keying) { commit(el.name); } });
      el.addEventListener("blur", function (event) {
        var next = event.relatedTarget;
        if (document.activeElement === el) { return; }  /* the window lost the focus, not the control */
        if (next && next.type === "radio" && next.name === el.name) { return; }  /* still in the group */
        if (!changed(el)) { return; }
        var field = next && next.form === form && next.name && next.type !== "hidden" && next.type !== "submit";
        commit(field ? next.name : el.name);
      });
    });
  })();

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
