// The compact header on a phone: the menu folds behind one button (without JavaScript it stays open).
const header = document.querySelector(".site-header");
const toggle = header?.querySelector(".menu-toggle");
if (header && toggle) {
  header.dataset.menu = "closed";
  toggle.hidden = false;
  toggle.addEventListener("click", () => {
    const open = header.dataset.menu !== "open";
    header.dataset.menu = open ? "open" : "closed";
    toggle.setAttribute("aria-expanded", String(open));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && header.dataset.menu === "open") {
      header.dataset.menu = "closed";
      toggle.setAttribute("aria-expanded", "false");
      toggle.focus();
    }
  });
}

// The installable app's service worker (offline page only); the site works the same without it.
if ("serviceWorker" in navigator && window.isSecureContext) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
