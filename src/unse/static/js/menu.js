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
// Not from an error or maintenance page: the worker's own URL may be unavailable there too.
if ("serviceWorker" in navigator && window.isSecureContext && !document.querySelector(".error-page")) {
  navigator.serviceWorker.register("/sw.js").catch(() => {});
}
