// Share buttons: the Web Share API where the device has it, link copy everywhere, and Kakao Talk only
// when the page carries a Kakao JS key (the SDK is then loaded from its CSP-allow-listed origin).
function toast(container, message) {
  const out = container.querySelector("[data-share-status]");
  if (out) out.textContent = message;
}

async function copy(text) {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.className = "visually-hidden";
  document.body.append(area);
  area.select();
  const ok = document.execCommand("copy");
  area.remove();
  if (!ok) throw new Error("copy failed");
}

function loadKakao(container) {
  const { kakaoKey, kakaoSdk, kakaoIntegrity } = container.dataset;
  if (!kakaoKey || !kakaoSdk) return;
  const button = container.querySelector("[data-share-kakao]");
  const script = document.createElement("script");
  script.src = kakaoSdk;
  if (kakaoIntegrity) script.integrity = kakaoIntegrity;
  script.crossOrigin = "anonymous";
  script.addEventListener("load", () => {
    if (!window.Kakao) return;
    if (!window.Kakao.isInitialized()) window.Kakao.init(kakaoKey);
    button.hidden = false;
  });
  document.head.append(script);
  button.addEventListener("click", () => {
    const url = container.dataset.shareUrl || location.href;
    window.Kakao.Share.sendDefault({
      objectType: "text",
      text: container.dataset.shareText || document.title,
      link: { mobileWebUrl: url, webUrl: url },
    });
  });
}

document.querySelectorAll("[data-share]").forEach((container) => {
  const url = () => container.dataset.shareUrl || location.href;
  const native = container.querySelector("[data-share-native]");
  if (native && navigator.share) {
    native.hidden = false;
    native.addEventListener("click", async () => {
      try {
        await navigator.share({ title: document.title, text: container.dataset.shareText || "", url: url() });
      } catch (err) {
        if (err && err.name !== "AbortError") toast(container, "공유하지 못했습니다. 링크 복사를 이용해 주세요.");
      }
    });
  }
  container.querySelector("[data-share-copy]")?.addEventListener("click", async () => {
    try {
      await copy(url());
      toast(container, "링크를 복사했습니다.");
    } catch {
      toast(container, "복사하지 못했습니다. 주소창의 링크를 직접 복사해 주세요.");
    }
  });
  loadKakao(container);
});
