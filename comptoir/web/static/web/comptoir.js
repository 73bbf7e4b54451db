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

  /* WCAG 3.2.2 On Input: a select or a radio group whose change reloads the page. A choice made
     with the pointer (or picked from the select's open list) is committed at once. A key press on
     the control (arrows, type-ahead, Space) only moves through the options: the choice is committed
     with Enter, or when the focus leaves the control (or the radio group) with a value other than
     the one the page was rendered with. commit(el, next) does the reload; `next` is the element the
     focus is moving to (Tab), null for Enter or the pointer, so that after the reload the focus can
     be put back where the keyboard user was. */
  var keying = false, keyTimer;  /* a key press is under way (shared: a radio's arrow changes its neighbour) */
  function commitOnInput(el, commit) {
    var scope = el.form || document;
    function controls() {  /* the select, or every radio of the group */
      return el.type === "radio" ? scope.querySelectorAll("input[type=radio][name='" + el.name + "']") : [el];
    }
    function changed() {  /* differs from what the server rendered */
      return Array.prototype.some.call(controls(), function (c) {
        return c.type === "radio" ? c.checked !== c.defaultChecked
          : Array.prototype.some.call(c.options, function (o) { return o.selected !== o.defaultSelected; });
      });
    }
    el.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {  /* on a radio, Enter submits the form anyway: keep the place */
        if (el.type === "radio" || changed()) { event.preventDefault(); commit(el, null); }
        return;
      }
      /* the change that the key makes comes before the key is released (Chromium dispatches it
         while handling the keydown); the timer ends a key press whose keyup went to an open list */
      keying = true;
      clearTimeout(keyTimer);
      keyTimer = setTimeout(function () { keying = false; }, 1000);
    });
    el.addEventListener("keyup", function () { setTimeout(function () { keying = false; }, 0); });
    el.addEventListener("change", function () { if (!keying) { commit(el, null); } });
    el.addEventListener("blur", function (event) {
      var next = event.relatedTarget;
      if (document.activeElement === el) { return; }  /* the window lost the focus, not the control */
      if (next && next.type === "radio" && next.name === el.name && next.form === el.form) { return; }  /* still in the group */
      if (changed()) { commit(el, next); }
    });
  }

  /* GET forms that reload on input: <select data-autosubmit> (sort order, order state…) and the
     storefront filters' radios. The form is submitted with "focus", the key of the control to
     focus after the reload (data-refocus, or a radio group's name): the view puts autofocus on the
     control rendered with that data-refocus. A filter checkbox is one discrete action (Space or a
     click toggles it; there are no options to move through): it submits at once. */
  function refocusKey(c) {
    return c.type === "radio" ? c.name : (c.getAttribute && c.getAttribute("data-refocus")) || "";
  }
  function submitWithFocus(el, next) {
    var form = el.form;
    var key = (next && next.form === form && refocusKey(next)) || refocusKey(el) || el.name;
    var focus = form.querySelector("input[type=hidden][name=focus]");
    if (!focus) {
      focus = document.createElement("input");
      focus.type = "hidden";
      focus.name = "focus";
      form.appendChild(focus);
    }
    focus.value = key;
    form.requestSubmit();
  }
  each("[data-autosubmit], #filters input[type=radio]", function (el) { commitOnInput(el, submitWithFocus); });
  each("#filters input[type=checkbox]", function (el) {
    el.addEventListener("change", function () { submitWithFocus(el, null); });
  });
  /* the focus key has done its work: keep it out of the address bar (bookmarks, shared links) */
  if (/[?&]focus=/.test(window.location.search) && window.history.replaceState) {
    var params = new URLSearchParams(window.location.search);
    params.delete("focus");
    var query = params.toString();
    window.history.replaceState(window.history.state, "", window.location.pathname + (query ? "?" + query : "") + window.location.hash);
  }

  /* Checkout: a delivery choice or the country recomputes the totals ("Update totals"), committed
     as commitOnInput says. The form posts the field to focus after the reload ("focus"): the
     control itself after Enter, the field the user was moving to after Tab. */
  (function () {
    var form = document.getElementById("checkout-form");
    var update = form && form.querySelector("button[value=update]");
    if (!update) { return; }
    var focus = document.createElement("input");
    focus.type = "hidden";
    focus.name = "focus";
    form.appendChild(focus);
    each("#checkout-form input[type=radio], #checkout-form select[name=country]", function (el) {
      commitOnInput(el, function (el, next) {
        var field = next && next.form === form && next.name && next.type !== "hidden" && next.type !== "submit";
        focus.value = field ? next.name : el.name;
        update.click();
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

  /* <select data-switch-action>: post the form to the URL of the chosen option (seller switch),
     committed as commitOnInput says; the page after the switch puts the focus back on the select. */
  each("select[data-switch-action]", function (el) {
    commitOnInput(el, function () {
      var focus = document.createElement("input");
      focus.type = "hidden";
      focus.name = "focus";
      focus.value = "switch";
      el.form.appendChild(focus);
      el.form.action = el.value;
      el.form.submit();
    });
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
