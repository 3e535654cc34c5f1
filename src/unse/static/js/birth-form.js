// Progressive enhancement of the birth-form component (it works without JavaScript too): 윤달 only for
// the lunar calendar, the time field off when "시간 모름" is ticked, and only the days the chosen month
// has (a solar February offers 28 or 29 days; a lunar month up to 30, so 2/30 stays possible).
function daysIn(calendar, year, month) {
  if (calendar === "lunar") return 30;
  if (!year || year < 1900 || year > 2100) return 31;
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function enhance(form) {
  const leap = form.querySelector('input[name="leap"]');
  const leapRow = form.querySelector("[data-leap-row]");
  const time = form.querySelector('input[name="time"]');
  const unknown = form.querySelector('input[name="time_unknown"]');
  const year = form.querySelector('input[name="year"]');
  const month = form.querySelector('select[name="month"]');
  const day = form.querySelector('select[name="day"]');
  const calendar = () => form.querySelector('input[name="calendar"]:checked')?.value || "solar";

  const syncDays = () => {
    if (!month || !day) return;
    const last = daysIn(calendar(), Number(year?.value), Number(month.value));
    for (const option of day.options) {
      const n = Number(option.value);
      const out = n > last;
      option.disabled = out;
      option.hidden = out;
    }
    if (Number(day.value) > last) day.value = String(last);
  };
  const syncCalendar = () => {
    const lunar = calendar() === "lunar";
    if (leap) {
      leap.disabled = !lunar;
      if (!lunar) leap.checked = false;
    }
    leapRow?.classList.toggle("is-disabled", !lunar);
    syncDays();
  };
  const syncTime = () => {
    if (!time || !unknown) return;
    time.disabled = unknown.checked;
    time.required = !unknown.checked;
  };

  form.querySelectorAll('input[name="calendar"]').forEach((radio) => radio.addEventListener("change", syncCalendar));
  unknown?.addEventListener("change", syncTime);
  year?.addEventListener("change", syncDays);
  month?.addEventListener("change", syncDays);
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
    button?.setAttribute("aria-disabled", "true");
    if (button) button.dataset.busy = "true";
  });
}

document.querySelectorAll("[data-birth-form]").forEach(enhance);
