// The life timeline: a tap (or keyboard focus) on a 대운 band writes its exact start date under that
// drawing, for touch screens where the SVG <title> tooltip never shows.
for (const root of document.querySelectorAll("[data-life-timeline]")) {
  const show = (event) => {
    const band = event.target.closest("[data-note]");
    if (!band || !band.ownerSVGElement) return;
    const note = band.ownerSVGElement.parentElement.querySelector("[data-tap-note]");
    if (note) note.textContent = band.dataset.note;
  };
  root.addEventListener("click", show);
  root.addEventListener("focusin", show);
}
