// The streamed reading on the 결과 page: POSTs the birth object to the readings API and renders the
// Markdown progressively. Every error code gets its own Korean message (from the server's error model,
// embedded in the page), never one catch-all.
import { readEvents } from "./sse.js";
import { renderMarkdown } from "./markdown.js";
import { markTerms, panelize } from "./panels.js";

const root = document.getElementById("reading");

function jsonData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// "약 12분 뒤에" from a Retry-After in seconds (rounded up: never promise a wait shorter than the real one).
export function waitText(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s <= 0) return "";
  if (s < 60) return "1분 안에";
  const minutes = Math.ceil(s / 60);
  if (minutes < 60) return `약 ${minutes}분 뒤에`;
  const hours = Math.ceil(minutes / 60);
  return hours < 24 ? `약 ${hours}시간 뒤에` : "내일";
}

if (root) {
  const request = jsonData("reading-request");
  const messages = jsonData("error-messages") || {};
  const body = root.querySelector("[data-reading-body]");
  const status = root.querySelector("[data-reading-status]");
  const notice = root.querySelector("[data-reading-notice]");
  const errorBox = root.querySelector("[data-reading-error]");
  const label = root.querySelector("[data-reading-label]");
  const retry = root.querySelector("[data-reading-retry]");
  let text = "";
  let frame = 0;

  const paint = () => {
    frame = 0;
    body.replaceChildren(renderMarkdown(text));
  };
  const schedulePaint = () => {
    if (!frame) frame = requestAnimationFrame(paint);
  };
  const setState = (state, message) => {
    root.dataset.state = state;
    root.setAttribute("aria-busy", state === "waiting" || state === "streaming" ? "true" : "false");
    status.textContent = message;
  };
  const showError = (error) => {
    const code = (error && error.code) || "INTERNAL";
    const details = (error && error.details) || {};
    let message = messages[code] || (error && error.message) || messages.INTERNAL;
    const wait = waitText(details.retry_after);
    if (code === "RATE_LIMITED" && wait) message = `짧은 시간에 풀이를 많이 보셨어요. ${wait} 다시 볼 수 있어요.`;
    errorBox.hidden = false;
    errorBox.querySelector("[data-error-message]").textContent = message;
    const login = errorBox.querySelector("[data-error-login]");
    if (login) login.hidden = !(code === "RATE_LIMITED" && details.login_helps);
    errorBox.querySelector("[data-error-code]").textContent = code;
    const rid = errorBox.querySelector("[data-error-request]");
    rid.textContent = error && error.request_id ? `요청 번호 ${error.request_id}` : "";
    errorBox.dataset.code = code;
    retry.hidden = false;
    setState("error", text ? "풀이가 중간에 멈췄습니다." : "풀이를 받지 못했습니다.");
  };

  const finish = (data) => {
    if (frame) cancelAnimationFrame(frame);
    paint();
    panelize(body, { dropGlance: Boolean(document.querySelector("[data-glance]")) });
    markTerms(body, jsonData("glossary") || {});
    label.hidden = false;
    label.textContent = describeGenerator(data.generated_by);
    label.dataset.type = (data.generated_by && data.generated_by.type) || "ai";
    root.dataset.readingId = data.reading_id || "";
    document.dispatchEvent(new CustomEvent("reading:done", { detail: data }));
    setState("done", "풀이를 모두 받았습니다.");
  };
  const showNotice = (data) => {
    notice.hidden = false;
    notice.querySelector("[data-notice-message]").textContent = data.message;
    notice.dataset.code = data.code || "";
  };
  const errorOf = async (response) => {
    try {
      const payload = await response.json();
      if (payload && payload.error) return payload.error;
    } catch {
      // not JSON: fall through to a code derived from the status
    }
    return { code: response.status === 404 ? "NOT_FOUND" : "INTERNAL" };
  };

  // A stored reading (e.g. today's fortune the nightly batch made): one JSON document, no stream.
  const loadJson = async () => {
    const response = await fetch(root.dataset.jsonUrl, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (!response.ok) {
      showError(await errorOf(response));
      return;
    }
    const data = await response.json();
    root.dataset.cached = data.cached ? "true" : "false";
    (data.notices || []).forEach(showNotice);
    text = data.text || "";
    finish(data);
  };

  const stream = async () => {
    const response = await fetch(root.dataset.streamUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "text/event-stream",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(request),
    });
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok || !type.startsWith("text/event-stream")) {
      showError(await errorOf(response));
      return;
    }
    let finished = false;
    for await (const { event, data } of readEvents(response)) {
      if (event === "meta") {
        root.dataset.cached = data.cached ? "true" : "false";
        setState("streaming", data.cached ? "저장된 풀이를 불러오는 중입니다…" : "풀이를 쓰는 중입니다…");
      } else if (event === "notice") {
        showNotice(data);
      } else if (event === "delta") {
        if (root.dataset.state === "waiting") setState("streaming", "풀이를 쓰는 중입니다…");
        text += data.text;
        schedulePaint();
      } else if (event === "done") {
        finished = true;
        finish(data);
      } else if (event === "error") {
        finished = true;
        if (frame) cancelAnimationFrame(frame);
        paint();
        showError(data.error || data);
      }
    }
    if (!finished) showError({ code: "STREAM_CUT" });
  };

  const start = async () => {
    text = "";
    body.replaceChildren();
    errorBox.hidden = true;
    notice.hidden = true;
    label.hidden = true;
    retry.hidden = true;
    setState("waiting", "풀이를 준비하고 있습니다…");
    try {
      await (root.dataset.jsonUrl ? loadJson() : stream());
    } catch {
      showError({ code: navigator.onLine === false ? "OFFLINE" : "NETWORK" });
    }
  };

  retry.addEventListener("click", start);
  start();
}

// generated_by = {type: "ai" | "rules", provider, model, label}: AI text is always labelled as such.
function describeGenerator(generatedBy) {
  const by = generatedBy || { type: "ai" };
  if (by.type === "rules") return by.label || "규칙 기반으로 자동 생성한 기본 풀이입니다.";
  const head = by.label || "AI가 생성한 풀이입니다.";
  return by.model ? `${head} (${by.model})` : head;
}
