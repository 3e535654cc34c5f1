// 상담: earlier messages rendered from the page's JSON, then each question's answer streamed over SSE.
import { readEvents } from "./sse.js";
import { renderMarkdown } from "./markdown.js";

const root = document.getElementById("chat");

function jsonData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

function label(generatedBy) {
  if (!generatedBy) return "";
  if (generatedBy.type === "rules") return generatedBy.label || "규칙 기반으로 자동 생성한 답입니다.";
  // The service's own prepared texts (the crisis answer) name no model: "(safety)" means nothing to a person.
  if (generatedBy.type === "safety") return generatedBy.label || "서비스가 미리 준비한 안내입니다.";
  const head = generatedBy.label || "AI가 생성한 답입니다.";
  return generatedBy.model ? `${head} (${generatedBy.model})` : head;
}

if (root) {
  const data = jsonData("chat-data");
  const messages = jsonData("error-messages") || {};
  const log = root.querySelector("[data-chat-log]");
  const status = root.querySelector("[data-chat-status]");
  const errorBox = root.querySelector("[data-chat-error]");
  const form = root.querySelector("[data-chat-form]");
  const input = form.querySelector("textarea");
  const send = form.querySelector("[data-chat-send]");

  const bubble = (role) => {
    const li = document.createElement("li");
    li.className = `chat-message chat-${role}`;
    const who = document.createElement("p");
    who.className = "chat-who";
    who.textContent = role === "user" ? "나" : "답";
    const body = document.createElement("div");
    body.className = "reading-body";
    const by = document.createElement("p");
    by.className = "ai-label";
    by.hidden = true;
    li.append(who, body, by);
    log.append(li);
    return { li, body, by };
  };
  const show = (role, text, generatedBy) => {
    const b = bubble(role);
    if (role === "user") b.body.textContent = text;
    else b.body.replaceChildren(renderMarkdown(text));
    if (generatedBy) {
      b.by.textContent = label(generatedBy);
      b.by.hidden = false;
    }
    return b;
  };
  const showError = (error) => {
    const code = (error && error.code) || "INTERNAL";
    errorBox.hidden = false;
    errorBox.querySelector("[data-error-message]").textContent = messages[code] || (error && error.message) || messages.INTERNAL;
    errorBox.querySelector("[data-error-code]").textContent = code;
    errorBox.querySelector("[data-error-request]").textContent = error && error.request_id ? `요청 번호 ${error.request_id}` : "";
    errorBox.dataset.code = code;
  };

  data.messages.forEach((m) => show(m.role, m.content, m.generated_by));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (!content) return;
    errorBox.hidden = true;
    send.disabled = true;
    show("user", content);
    input.value = "";
    const answer = bubble("assistant");
    let text = "";
    let finished = false;
    root.dataset.state = "waiting";
    status.textContent = "답을 준비하고 있습니다…";
    try {
      const csrf = document.querySelector('meta[name="csrf-token"]').content;
      const response = await fetch(data.send_url, {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "text/event-stream", "X-CSRFToken": csrf },
        body: JSON.stringify({ content }),
      });
      if (!response.ok || !(response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        let payload = null;
        try {
          payload = await response.json();
        } catch {
          payload = null;
        }
        answer.li.remove();
        showError(payload && payload.error ? payload.error : { code: "INTERNAL" });
        return;
      }
      for await (const { event: name, data: ev } of readEvents(response)) {
        if (name === "notice") {
          const note = document.createElement("p");
          note.className = "notice";
          note.textContent = ev.message;
          answer.li.insertBefore(note, answer.body);
        } else if (name === "delta") {
          root.dataset.state = "streaming";
          status.textContent = "답을 쓰는 중입니다…";
          text += ev.text;
          answer.body.replaceChildren(renderMarkdown(text));
        } else if (name === "done") {
          finished = true;
          answer.by.textContent = label(ev.generated_by);
          answer.by.hidden = false;
        } else if (name === "error") {
          finished = true;
          showError(ev.error || ev);
        }
      }
      if (!finished) showError({ code: "STREAM_CUT" });
    } catch {
      showError({ code: navigator.onLine === false ? "OFFLINE" : "NETWORK" });
    } finally {
      root.dataset.state = errorBox.hidden ? "done" : "error";
      status.textContent = errorBox.hidden ? "답을 모두 받았습니다." : "";
      send.disabled = false;
      input.focus();
    }
  });
}
