// Progressive enhancement of the 사주 입력 form (it works without JavaScript too): 윤달 only for the
// lunar calendar, the time field off when "시간 모름" is ticked, and the days of the chosen month.
const form = document.getElementById("birth-form");

if (form) {
  const leap = form.querySelector('input[name="leap"]');
  const leapRow = form.querySelector("[data-leap-row]");
  const time = form.querySelector('input[name="time"]');
  const unknown = form.querySelector('input[name="time_unknown"]');

  const syncCalendar = () => {
    const lunar = form.querySelector('input[name="calendar"]:checked')?.value === "lunar";
    leap.disabled = !lunar;
    if (!lunar) leap.checked = false;
    leapRow.classList.toggle("is-disabled", !lunar);
  };
  const syncTime = () => {
    time.disabled = unknown.checked;
    time.required = !unknown.checked;
  };

  form.querySelectorAll('input[name="calendar"]').forEach((radio) => radio.addEventListener("change", syncCalendar));
  unknown.addEventListener("change", syncTime);
  syncCalendar();
  syncTime();

  const nameInput = form.querySelector("[data-local-name]");
  const storedName = sessionStorage.getItem("unse.name");
  if (nameInput && storedName && !nameInput.value) nameInput.value = storedName;

  form.addEventListener("submit", () => {
    if (nameInput) {
      const value = nameInput.value.trim();
      if (value) sessionStorage.setItem("unse.name", value);
      else sessionStorage.removeItem("unse.name");
    }
    const button = form.querySelector('button[type="submit"]');
    // Keep the button focusable for screen readers but stop a double submit.
    button.setAttribute("aria-disabled", "true");
    button.dataset.busy = "true";
  });
}
