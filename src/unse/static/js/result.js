// Shows the optional name typed on the form: it was kept in this tab's sessionStorage and never left the
// device (the input has no name attribute, so the form never submits it).
const heading = document.querySelector("[data-name-heading]");
const name = sessionStorage.getItem("unse.name");
if (heading && name) heading.textContent = `${name}${heading.dataset.nameSuffix || "님의 사주"}`;

// Bring the current 대운 into view inside its horizontal timeline (without scrolling the page).
const timeline = document.querySelector("[data-timeline]");
const current = timeline && timeline.querySelector("li[aria-current]");
if (timeline && current) {
  timeline.scrollLeft = current.offsetLeft - timeline.offsetLeft - (timeline.clientWidth - current.clientWidth) / 2;
}
