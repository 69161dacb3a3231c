// The tutor picker on the round page: type part of a name, pick from the
// list; the chosen person's id goes into the form's hidden "tutor" field.
// Without this script the box still takes a resident ID.
(() => {
  const list = document.getElementById("tutor-options");
  if (!list) return;
  const found = new Map(); // label → id
  let timer = null;

  const search = async (input) => {
    const form = input.closest("form");
    const url = `${form.dataset.searchUrl}?q=${encodeURIComponent(input.value.trim())}`;
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const { results } = await response.json();
    list.replaceChildren(
      ...results.map((person) => {
        found.set(person.label, person.id);
        const option = document.createElement("option");
        option.value = person.label;
        return option;
      }),
    );
  };

  document.querySelectorAll(".tutor-picker input[type=search]").forEach((input) => {
    const hidden = input.form.querySelector("input[name=tutor]");
    input.addEventListener("input", () => {
      hidden.value = found.get(input.value) || "";
      if (hidden.value || input.value.trim().length < 1) return;
      clearTimeout(timer);
      timer = setTimeout(() => search(input), 200);
    });
  });
})();
