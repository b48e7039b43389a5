// Two to four practices side by side: each one's "At a glance" facts, read from its own page, in a
// column; one row a field (regions, partners, focus, funding, evidence…), in the order the pages give
// them. The address (?practice=a&practice=b…) is the comparison: share it, bookmark it, reload it.

import { isSlug, readPractice, transplant } from "./practice-page.js";

const MOST = 4;

const root = document.getElementById("cmp-compare");
const status = document.getElementById("cmp-compare-status");
const scroll = document.getElementById("cmp-compare-scroll");
const table = document.getElementById("cmp-compare-table");
const caption = document.getElementById("cmp-compare-caption");

function chosen() {
  const asked = new URLSearchParams(window.location.search).getAll("practice");
  return [...new Set(asked.filter(isSlug))];
}

function without(slugs, slug) {
  const params = new URLSearchParams();
  for (const other of slugs) if (other !== slug) params.append("practice", other);
  return `${window.location.pathname}?${params}`;
}

function facts(article, url, prefix) {
  // The page's title, summary and each dt/dd pair of its "At a glance" list.
  const heading = article.querySelector("h1");
  heading?.querySelector(".headerlink")?.remove();
  const rows = new Map();
  const summary = article.querySelector(".cmp-lead");
  if (summary) rows.set("Summary", [transplant(summary, url, prefix)]);
  let field = "";
  for (const item of article.querySelectorAll(".cmp-glance dl > *")) {
    if (item.tagName === "DT") {
      field = item.textContent.trim();
      rows.set(field, []);
    } else if (item.tagName === "DD" && field) {
      rows.get(field).push(transplant(item, url, prefix));
    }
  }
  return { title: heading ? heading.textContent.trim() : "", rows };
}

function cell(nodes) {
  const td = document.createElement("td");
  if (!nodes || !nodes.length) {
    td.className = "cmp-compare__none";
    td.textContent = "Not given";
    return td;
  }
  for (const node of nodes) td.append(...node.childNodes);
  return td;
}

async function start() {
  const all = chosen();
  const slugs = all.slice(0, MOST);
  if (!slugs.length) {
    status.textContent = "No practice chosen yet. Tick “Compare” on two to four results in the finder.";
    return;
  }
  const read = await Promise.all(slugs.map((slug) => readPractice(slug)));
  const columns = read.map((page, index) =>
    page ? { slug: slugs[index], url: page.url, ...facts(page.article, page.url, `c${index + 1}-`) } : null,
  );
  const found = columns.filter(Boolean);
  const missing = slugs.filter((_, index) => !columns[index]);
  // Rows in the order the pages give them, each field once.
  const fields = [...new Set(found.flatMap((column) => [...column.rows.keys()]))];
  const head = table.tHead.rows[0];
  for (const column of found) {
    const th = document.createElement("th");
    th.scope = "col";
    const link = document.createElement("a");
    link.href = column.url.href;
    link.textContent = column.title || column.slug;
    const remove = document.createElement("a");
    remove.className = "cmp-compare__remove";
    remove.href = without(slugs, column.slug);
    remove.textContent = "Remove";
    const hidden = document.createElement("span");
    hidden.className = "cmp-visually-hidden";
    hidden.textContent = ` ${column.title || column.slug} from the comparison`;
    remove.append(hidden);
    th.append(link, document.createElement("br"), remove);
    head.append(th);
  }
  const body = table.tBodies[0];
  for (const field of fields) {
    const row = body.insertRow();
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = field;
    row.append(th, ...found.map((column) => cell(column.rows.get(field))));
  }
  caption.textContent = `${found.length} ${found.length === 1 ? "practice" : "practices"} side by side, one column each`;
  document.title = `Compare: ${found.map((c) => c.title || c.slug).join(", ")}`;
  scroll.hidden = found.length === 0;
  const notes = [];
  if (found.length < 2) notes.push("Choose at least two practices to compare: tick “Compare” on results in the finder.");
  if (all.length > MOST) notes.push(`Only the first ${MOST} of the ${all.length} chosen practices are shown.`);
  if (missing.length) notes.push(`No practice has the id ${missing.map((s) => `“${s}”`).join(", ")}.`);
  status.textContent = notes.length ? notes.join(" ") : `Comparing ${found.length} practices.`;
  root.classList.add("is-ready");
}

start().catch((error) => {
  status.textContent = "The comparison could not be made; each practice's own page has the same facts.";
  console.error(error);
});
