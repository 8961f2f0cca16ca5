// Small behaviours that CSP forbids inline: selects that submit their form when changed.
document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
  select.addEventListener("change", function () { select.form.submit(); });
});
