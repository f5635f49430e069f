// newsbrief's page script: progress without reloads, evidence highlights, sorting, copying.
// The page works without it (forms and links); this only makes it quicker to use.
"use strict";

function announce(message) {
  document.getElementById("status").textContent = message;
}

// --- progress: poll the job until it is done or failed, then show the brief ---------------
function watchProgress(section) {
  const tick = async () => {
    const response = await fetch(section.dataset.url, { credentials: "same-origin" });
    const job = await response.json();
    if (job.status === "done" || job.status === "failed") return location.reload();
    const stage = job.progress.stage || "queued";
    section.querySelectorAll("[data-stage]").forEach((item) => {
      const current = item.dataset.stage === stage;
      item.classList.toggle("current", current);
      current ? item.setAttribute("aria-current", "step") : item.removeAttribute("aria-current");
    });
    section.querySelectorAll("[data-count]").forEach((cell) => {
      cell.textContent = job.progress[cell.dataset.count] || 0;
    });
    setTimeout(tick, 700);
  };
  tick();
}

// --- evidence: mark a claim's quotes inside its source articles ----------------------------
const originals = new Map();  // article id -> its canonical text, as the page first had it

function showEvidence(button, evidence) {
  document.querySelectorAll("button.claim[aria-pressed=true]").forEach((b) => b.setAttribute("aria-pressed", "false"));
  document.querySelectorAll(".article-text").forEach((node) => {
    if (originals.has(node.dataset.articleId)) node.textContent = originals.get(node.dataset.articleId);
  });
  button.setAttribute("aria-pressed", "true");
  const spans = evidence[button.dataset.claim] || [];
  let first = null;
  for (const [articleId, group] of groupBy(spans, (s) => s.article_id)) {
    const node = document.querySelector(`.article-text[data-article-id="${articleId}"]`);
    if (!node) continue;
    const marked = markSpans(node, group);  // every article, not only until one is marked
    first = first || marked;
  }
  if (first) {
    first.scrollIntoView({ block: "center" });
    first.focus({ preventScroll: true });
  }
  announce(`${spans.length} quote${spans.length === 1 ? "" : "s"} highlighted in the sources`);
}

function groupBy(items, key) {
  const groups = new Map();
  items.forEach((item) => groups.set(key(item), [...(groups.get(key(item)) || []), item]));
  return groups;
}

function markSpans(node, spans) {
  // Spans of one article, in order and without overlap, each wrapped in a <mark>.
  const text = originals.get(node.dataset.articleId);
  const sorted = [...spans].sort((a, b) => a.start - b.start);
  node.textContent = "";
  let at = 0, first = null;
  for (const span of sorted) {
    if (span.start < at) continue;
    node.append(text.slice(at, span.start));
    const mark = document.createElement("mark");
    mark.tabIndex = -1;
    mark.textContent = text.slice(span.start, span.end);
    node.append(mark);
    first = first || mark;
    at = span.end;
  }
  node.append(text.slice(at));
  return first;
}

// --- the figures table: sort by a column, keeping aria-sort in step ------------------------
function sortTable(table, button) {
  const column = Number(button.dataset.sort);
  const header = button.closest("th");
  const ascending = header.getAttribute("aria-sort") !== "ascending";
  table.querySelectorAll("th").forEach((th) => th.setAttribute("aria-sort", "none"));
  header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  const body = table.tBodies[0];
  const value = (row) => row.cells[column].dataset.value || row.cells[column].textContent.trim();
  const rows = [...body.rows].sort((a, b) => value(a).localeCompare(value(b), undefined, { numeric: true }));
  if (!ascending) rows.reverse();
  rows.forEach((row) => body.append(row));
  announce(`sorted by ${button.textContent}, ${ascending ? "ascending" : "descending"}`);
}

// --- copy as Markdown ------------------------------------------------------------------------
async function copyMarkdown() {
  const text = document.getElementById("markdown").value;
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const area = document.getElementById("markdown");  // no clipboard API (plain http): the old way
    area.select();
    document.execCommand("copy");
  }
  announce("The brief was copied as Markdown");
}

document.addEventListener("DOMContentLoaded", () => {
  const progress = document.getElementById("progress");
  if (progress) watchProgress(progress);
  document.querySelectorAll(".article-text").forEach((node) => originals.set(node.dataset.articleId, node.textContent));
  const data = document.getElementById("evidence");
  const evidence = data ? JSON.parse(data.textContent) : {};
  document.querySelectorAll("button.claim").forEach((b) => b.addEventListener("click", () => showEvidence(b, evidence)));
  const table = document.getElementById("figures");
  if (table) table.querySelectorAll("button[data-sort]").forEach((b) => b.addEventListener("click", () => sortTable(table, b)));
  const copy = document.getElementById("copy-markdown");
  if (copy) copy.addEventListener("click", copyMarkdown);
});
