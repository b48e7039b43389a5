// Find a practice: full-text search with combinable filters, on Pagefind.
//
// The query and filters live in the URL (?q=…&region=…&focus=…), so a filtered
// view can be shared and bookmarked. Pagefind loads only the index chunks a
// search needs, and result details only for the cards shown.

const PAGE_SIZE = 12;
const siteRoot = new URL("../", import.meta.url);
const form = document.getElementById("cmp-finder");
const query = document.getElementById("cmp-q");
const status = document.getElementById("cmp-status");
const list = document.getElementById("cmp-results");
const more = document.getElementById("cmp-more");
const clear = document.getElementById("cmp-clear");
const selects = [...form.querySelectorAll("select[data-facet]")];
const filterBox = document.getElementById("cmp-filters");
const filterCount = document.getElementById("cmp-filter-count");

let pagefind = null;
let results = [];
let shown = 0;
let generation = 0;

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  query.value = params.get("q") || "";
  for (const select of selects) {
    const wanted = params.get(select.name) || "";
    select.value = [...select.options].some((o) => o.value === wanted) ? wanted : "";
  }
}

function countFilters() {
  const active = selects.filter((s) => s.value).length;
  filterCount.textContent = active ? ` (${active} chosen)` : "";
  return active;
}

function writeUrl() {
  const params = new URLSearchParams();
  if (query.value.trim()) params.set("q", query.value.trim());
  for (const select of selects) if (select.value) params.set(select.name, select.value);
  const search = params.toString();
  const url = window.location.pathname + (search ? `?${search}` : "");
  if (url !== window.location.pathname + window.location.search) window.history.replaceState(null, "", url);
}

function labelOf(select) {
  return select.options[select.selectedIndex].text;
}

function describe(count) {
  const words = query.value.trim();
  const active = selects.filter((s) => s.value).map((s) => `${s.labels[0].textContent}: ${labelOf(s)}`);
  const what = [words ? `“${words}”` : "", ...active].filter(Boolean).join(", ");
  const noun = count === 1 ? "practice matches" : "practices match";
  return `${count} ${noun} ${what}.`;
}

function card(data) {
  const item = document.createElement("li");
  item.className = "cmp-card";
  const heading = document.createElement("h2");
  heading.className = "cmp-card__title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  heading.append(link);
  const summary = document.createElement("p");
  summary.className = "cmp-card__summary";
  summary.textContent = data.meta.summary || "";
  const meta = document.createElement("p");
  meta.className = "cmp-card__meta";
  meta.textContent = data.meta.regions || "";
  item.append(heading, summary, meta);
  return item;
}

async function showMore() {
  const mine = generation;
  const batch = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((r) => r.data()));
  if (mine !== generation) return;
  list.append(...batch.map(card));
  shown += batch.length;
  more.hidden = shown >= results.length;
}

async function run() {
  writeUrl();
  countFilters();
  const mine = ++generation;
  const words = query.value.trim();
  const filters = {};
  for (const select of selects) if (select.value) filters[select.name] = select.value;
  if (!words && Object.keys(filters).length === 0) {
    list.replaceChildren();
    more.hidden = true;
    results = [];
    status.textContent = "Type words to search, or choose a filter to list its practices.";
    return;
  }
  status.textContent = "Searching…";
  const search = await pagefind.search(words || null, { filters });
  if (mine !== generation || search === null) return;
  results = search.results;
  shown = 0;
  list.replaceChildren();
  await showMore();
  if (mine !== generation) return;
  status.textContent = results.length
    ? describe(results.length)
    : `${describe(0)} Try fewer words or filters.`;
}

let timer = 0;
function soon() {
  window.clearTimeout(timer);
  timer = window.setTimeout(run, 250);
}

async function start() {
  readUrl();
  // On a phone, seven filters would push the results below the fold: fold them away
  // unless the address already chose some.
  if (window.matchMedia("(max-width: 44.9375em)").matches && countFilters() === 0) filterBox.open = false;
  status.textContent = "Loading search…";
  pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
  await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 0 });
  pagefind.init();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run();
  });
  query.addEventListener("input", soon);
  for (const select of selects) select.addEventListener("change", run);
  clear.addEventListener("click", (event) => {
    event.preventDefault();
    query.value = "";
    for (const select of selects) select.value = "";
    run();
    query.focus();
  });
  more.addEventListener("click", showMore);
  window.addEventListener("popstate", () => {
    readUrl();
    run();
  });
  await run();
}

start().catch((error) => {
  status.textContent = "Search could not load. Browse the practices by region or topic instead.";
  console.error(error);
});
