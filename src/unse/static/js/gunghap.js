// The 궁합 form: choosing a saved profile for a person hides (and disables) that person's manual fields.
for (const select of document.querySelectorAll("[data-profile-select]")) {
  const person = select.closest("[data-person]");
  const manual = person && person.querySelector("[data-manual-fields]");
  if (!manual) continue;
  const sync = () => {
    const fromProfile = select.value !== "";
    manual.hidden = fromProfile;
    for (const input of manual.querySelectorAll("input, select")) input.disabled = fromProfile;
  };
  select.addEventListener("change", sync);
  sync();
}
