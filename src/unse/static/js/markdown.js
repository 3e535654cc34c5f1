// A small Markdown renderer that is safe by construction: it builds DOM nodes and only ever assigns
// text through textContent, so nothing in the (AI-written) source can become markup, a script or a link.
// Supported: headings, paragraphs, bullet and numbered lists, block quotes, rules, GFM tables,
// **bold**, *italic*, `code`. Anything else shows as plain text. Called again on every streamed chunk, so it must be
// tolerant of half-written input (an unclosed ** simply stays literal until its closing pair arrives).

const INLINE = /(\*\*[^*\n]+\*\*|__[^_\n]+__|\*[^*\s][^*\n]*\*|_[^_\s][^_\n]*_|`[^`\n]+`)/;

function appendInline(parent, text) {
  let rest = text;
  while (rest.length > 0) {
    const match = INLINE.exec(rest);
    if (!match) {
      parent.append(rest);
      return;
    }
    if (match.index > 0) parent.append(rest.slice(0, match.index));
    const token = match[0];
    let node;
    if (token.startsWith("**") || token.startsWith("__")) {
      node = document.createElement("strong");
      appendInline(node, token.slice(2, -2));
    } else if (token.startsWith("`")) {
      node = document.createElement("code");
      node.textContent = token.slice(1, -1);
    } else {
      node = document.createElement("em");
      appendInline(node, token.slice(1, -1));
    }
    parent.append(node);
    rest = rest.slice(match.index + token.length);
  }
}

const HEADING = /^(#{1,6})\s+(.*)$/;
const BULLET = /^\s*[-*+]\s+(.*)$/;
const NUMBERED = /^\s*\d+[.)]\s+(.*)$/;
const QUOTE = /^>\s?(.*)$/;
const RULE = /^\s*([-*_])(\s*\1){2,}\s*$/;
const TABLE_ROW = /^\s*\|.*\|\s*$/;
const TABLE_SEPARATOR = /^\s*\|?(\s*:?-{3,}:?\s*\|)+\s*(:?-{3,}:?\s*)?\|?\s*$/;

function cells(line) {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

function tableRow(tag, values) {
  const tr = document.createElement("tr");
  for (const value of values) {
    const cell = document.createElement(tag);
    appendInline(cell, value);
    tr.append(cell);
  }
  return tr;
}

export function renderMarkdown(source) {
  const fragment = document.createDocumentFragment();
  const lines = source.replace(/\r\n?/g, "\n").split("\n");
  let paragraph = null;
  let list = null;
  let quote = null;
  let tbody = null;

  const closeBlocks = () => {
    paragraph = null;
    list = null;
    quote = null;
    tbody = null;
  };

  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i];
    if (line.trim() === "") {
      closeBlocks();
      continue;
    }
    let m;
    if (tbody && TABLE_ROW.test(line)) {
      tbody.append(tableRow("td", cells(line)));
    } else if (TABLE_ROW.test(line) && i + 1 < lines.length && TABLE_SEPARATOR.test(lines[i + 1])) {
      // A GFM table: header row, separator row, body rows. Wrapped so it scrolls sideways on a phone.
      closeBlocks();
      const wrap = document.createElement("div");
      wrap.className = "table-wrap";
      wrap.tabIndex = 0;
      const table = document.createElement("table");
      const thead = document.createElement("thead");
      thead.append(tableRow("th", cells(line)));
      tbody = document.createElement("tbody");
      table.append(thead, tbody);
      wrap.append(table);
      fragment.append(wrap);
      i += 1;
    } else if (RULE.test(line)) {
      closeBlocks();
      fragment.append(document.createElement("hr"));
    } else if ((m = HEADING.exec(line))) {
      closeBlocks();
      // Page headings above the reading are h1/h2; the reading's own headings start at h3.
      const level = Math.min(6, m[1].length + 2);
      const h = document.createElement(`h${level}`);
      appendInline(h, m[2].replace(/\s+#+\s*$/, ""));
      fragment.append(h);
    } else if ((m = BULLET.exec(line)) || (m = NUMBERED.exec(line))) {
      const tag = BULLET.test(line) ? "ul" : "ol";
      if (!list || list.tagName.toLowerCase() !== tag) {
        paragraph = null;
        quote = null;
        list = document.createElement(tag);
        fragment.append(list);
      }
      const li = document.createElement("li");
      appendInline(li, m[1]);
      list.append(li);
    } else if ((m = QUOTE.exec(line))) {
      if (!quote) {
        paragraph = null;
        list = null;
        quote = document.createElement("blockquote");
        fragment.append(quote);
      } else {
        quote.append(document.createElement("br"));
      }
      appendInline(quote, m[1]);
    } else if (list && /^\s{2,}\S/.test(line)) {
      list.lastElementChild.append(" ");
      appendInline(list.lastElementChild, line.trim());
    } else {
      if (!paragraph) {
        list = null;
        quote = null;
        paragraph = document.createElement("p");
        fragment.append(paragraph);
      } else {
        paragraph.append(document.createElement("br"));
      }
      appendInline(paragraph, line);
    }
  }
  return fragment;
}
