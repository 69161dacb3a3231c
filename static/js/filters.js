// Filter forms marked data-autosubmit apply a new choice at once; the submit
// button stays for people without JavaScript.
document.addEventListener("change", (event) => {
  const form = event.target.form;
  if (form && form.dataset && "autosubmit" in form.dataset) {
    form.requestSubmit();
  }
});
