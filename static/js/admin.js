// The admin's autocomplete fields (Django's vendored Select2) draw a combobox whose name comes
// from an element that is empty until something is chosen: name it after the field's <label>.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = select.id && document.querySelector('label[for="' + select.id + '"]');
      var box = select.nextElementSibling;
      if (!label || !box || !box.classList.contains("select2")) return;
      var text = label.textContent.replace(/[:：]\s*$/, "").trim();
      box.querySelectorAll("[role=combobox], [role=textbox]").forEach(function (el) {
        el.setAttribute("aria-label", text);
      });
    });
  }
  // django-import-export's export page: its "select all" label names the box by a name it never
  // gave as an id (label for="select-all-toggle"); give it that id, and the label names the box.
  document.querySelectorAll("input.select-toggle[name='select-all-toggle']:not([id])").forEach(function (box) {
    box.id = "select-all-toggle";
  });
  // After the admin's own ready handler (autocomplete.js, loaded before this deferred script)
  // has drawn the boxes: jQuery runs ready handlers in the order they were registered.
  if (window.django && window.django.jQuery) window.django.jQuery(function () { name(document); });
  document.addEventListener("formset:added", function (event) {
    setTimeout(function () { name(event.target); }, 0);
  });
})();
