// Small behaviours the pages declare with data attributes, so that no page needs an inline
// script or event handler (the Content-Security-Policy allows scripts from our files only).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
