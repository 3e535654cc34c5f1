// One accessible confirmation for destructive forms (data-confirm="question"): a modal <dialog> with the
// question and two buttons, focus inside it, Esc cancels. Without JavaScript the form simply submits.
const dialog = document.createElement("dialog");
dialog.className = "confirm-dialog";
dialog.setAttribute("aria-labelledby", "confirm-question");
dialog.innerHTML =
  '<form method="dialog"><p id="confirm-question"></p><div class="actions">' +
  '<button value="cancel" type="submit">취소</button>' +
  '<button value="ok" type="submit" class="danger">지우기</button></div></form>';
let pending = null;

dialog.addEventListener("close", () => {
  const form = pending;
  pending = null;
  if (form && dialog.returnValue === "ok") {
    form.dataset.confirmed = "true";
    form.requestSubmit();
  }
});

document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm || form.dataset.confirmed) return;
  event.preventDefault();
  if (!dialog.isConnected) document.body.append(dialog);
  dialog.querySelector("#confirm-question").textContent = form.dataset.confirm;
  const ok = dialog.querySelector('button[value="ok"]');
  ok.textContent = form.querySelector('button[type="submit"]')?.textContent?.trim() || "확인";
  pending = form;
  dialog.returnValue = "";
  dialog.showModal();
  dialog.querySelector('button[value="cancel"]').focus();
});
