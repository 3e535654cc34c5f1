// A finished reading becomes readable: each section (an h4 of the rendered Markdown) turns into a panel
// the reader opens (<details>: collapsed on a phone, open on a wide screen), the reading's own
// 한눈에 보기 goes when the page already shows it first, and every glossary term explains itself on tap.
const WIDE = "(min-width: 48rem)";
const GLANCE_TITLE = "한눈에 보기";

export function panelize(body, { dropGlance = false } = {}) {
  const open = window.matchMedia(WIDE).matches;
  const nodes = [...body.childNodes];
  const out = [];
  let panel = null;
  let count = 0;
  for (let node of nodes) {
    // h4 sections become <summary> lines, so the deeper headings move up two levels: the page's heading
    // outline never skips a level (h2 title → h3), which screen readers and axe's heading-order expect.
    if (node.nodeName === "H5" || node.nodeName === "H6") {
      const raised = document.createElement(node.nodeName === "H5" ? "h3" : "h4");
      raised.append(...node.childNodes);
      node = raised;
    }
    if (node.nodeName === "H4") {
      const title = node.textContent.trim();
      panel = document.createElement("details");
      panel.className = "reading-panel";
      if (dropGlance && title === GLANCE_TITLE) panel.dataset.drop = "true";
      else count += 1;
      // The first section stays open everywhere (on a phone the rest wait for a tap).
      if (open || (count === 1 && !panel.dataset.drop)) panel.open = true;
      const summary = document.createElement("summary");
      summary.textContent = title;
      panel.append(summary);
      out.push(panel);
    } else if (panel) {
      panel.append(node);
    } else {
      out.push(node);
    }
  }
  body.replaceChildren(...out.filter((n) => !(n.dataset && n.dataset.drop)));
}

let noteCount = 0;

// The first use of each term (two characters or more: 1-character terms would match ordinary words)
// becomes a button that shows the term's one-line explanation right after it.
export function markTerms(root, glossary) {
  const terms = Object.keys(glossary || {})
    .filter((t) => t.length >= 2)
    .sort((a, b) => b.length - a.length);
  if (!terms.length) return;
  const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(terms.map(escape).join("|"), "g");
  const seen = new Set();
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.parentElement.closest("button, summary, a, caption, .term-note, [lang='zh-Hant']") ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  const texts = [];
  while (walker.nextNode()) texts.push(walker.currentNode);
  for (const node of texts) {
    const value = node.nodeValue;
    pattern.lastIndex = 0;
    const parts = [];
    let last = 0;
    let match;
    while ((match = pattern.exec(value))) {
      const term = match[0];
      if (seen.has(term)) continue;
      seen.add(term);
      parts.push(document.createTextNode(value.slice(last, match.index)));
      noteCount += 1;
      const id = `term-note-${noteCount}`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "term";
      button.textContent = term;
      button.setAttribute("aria-expanded", "false");
      button.setAttribute("aria-controls", id);
      const note = document.createElement("span");
      note.className = "term-note";
      note.id = id;
      note.hidden = true;
      note.textContent = `${term}: ${glossary[term]}`;
      button.addEventListener("click", () => {
        const show = note.hidden;
        note.hidden = !show;
        button.setAttribute("aria-expanded", String(show));
      });
      parts.push(button, note);
      last = match.index + term.length;
    }
    if (!parts.length) continue;
    parts.push(document.createTextNode(value.slice(last)));
    node.replaceWith(...parts);
  }
}

// The page's own cards (명식, 오행, 대운 …) mark their terms at load; the reading does when it is finished.
const glossaryNode = document.getElementById("glossary");
if (glossaryNode) {
  const glossary = JSON.parse(glossaryNode.textContent);
  document.querySelectorAll("[data-terms]").forEach((el) => markTerms(el, glossary));
}
