// The life timeline: a tap (or Enter / focus by keyboard) on a 대운 band writes its exact start date
// under the chart, for touch screens where the SVG <title> tooltip never shows.
for (const root of document.querySelectorAll("[data-life-timeline]")) {
  const note = root.querySelector("[data-tap-note]");
  if (!note) continue;
  const show = (event) => {
    const band = event.target.closest("[data-note]");
    if (band) note.textContent = band.dataset.note;
  };
  root.addEventListener("click", show);
  root.addEventListener("focusin", show);
  root.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") show(event);
  });
}
