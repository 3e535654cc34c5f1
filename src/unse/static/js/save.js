// After the reading: "보관함에 저장" (the form posts the reading's public id, known once the stream's
// `done` event arrived) and "이 풀이로 상담하기" (creates a 상담 about this reading, then opens it).
const form = document.querySelector("[data-save-form]");
if (form) {
  document.addEventListener("reading:done", (event) => {
    const id = event.detail && event.detail.reading_id;
    const hint = form.querySelector("[data-save-hint]");
    if (!id) {
      hint.textContent = "이 풀이는 저장되지 않은 풀이라 보관함에 넣을 수 없습니다. 다시 풀이를 받아 주세요.";
      return;
    }
    form.querySelector("[data-save-reading]").value = id;
    form.querySelector("[data-save-button]").disabled = false;
    hint.textContent = "저장한 풀이는 보관함에서 공유 링크를 만들 수 있습니다.";
  });
}

const followup = document.querySelector("[data-followup]");
if (followup) {
  const status = document.querySelector("[data-followup-status]");
  let readingId = "";
  document.addEventListener("reading:done", (event) => {
    readingId = (event.detail && event.detail.reading_id) || "";
    followup.disabled = !readingId;
  });
  followup.addEventListener("click", async () => {
    followup.disabled = true;
    status.textContent = "상담을 여는 중입니다…";
    try {
      const response = await fetch(followup.dataset.url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "X-CSRFToken": document.querySelector('meta[name="csrf-token"]').content,
        },
        body: JSON.stringify({ reading_id: readingId, mode: followup.dataset.mode || "plain" }),
      });
      const payload = await response.json();
      if (!response.ok) throw payload.error || {};
      location.assign(followup.dataset.roomUrl.replace("CHAT_ID", encodeURIComponent(payload.chat_id)));
    } catch (error) {
      status.textContent = (error && error.message) || "상담을 열지 못했습니다. 잠시 후 다시 시도해 주세요.";
      followup.disabled = false;
    }
  });
}
