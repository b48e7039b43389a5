// Find a practice: full-text search with faceted filters, on Pagefind.
//
// Without JavaScript the page is a plain listing: each region, focus area, population
// and volume links to its page, with how many practices it holds. This script turns
// the listing into filters: several values of one filter find practices with any of
// them, filters combine, and each value shows how many practices it would give with
// the other choices kept (a second search per chosen facet, leaving that facet out).
// The address holds the whole state (?q=…&region=…&region=…&sort=…): a search can be
// shared and bookmarked, and back and forward step through the choices.

const PAGE_SIZE = 12;
const BATCH = 50; // result details fetched at once when preparing a download
const siteRoot = new URL("../", import.meta.url);
const form = document.getElementById("cmp-finder");
const query = document.getElementById("cmp-q");
const sort = document.getElementById("cmp-sort");
const status = document.getElementById("cmp-status");
const list = document.getElementById("cmp-results");
const more = document.getElementById("cmp-more");
const chips = document.getElementById("cmp-chips");
const sheet = document.getElementById("cmp-facets");
const open = document.getElementById("cmp-open");
const done = document.getElementById("cmp-done");
const filterCount = document.getElementById("cmp-filter-count");
const downloads = document.getElementById("cmp-download");
const downloadStatus = document.getElementById("cmp-download-status");
const everything = document.getElementById("cmp-all");
// Before any search the page shows the newest practices, made at build time: no index to load, and
// nothing that moves as the page loads. The script brings them back when the last filter goes.
const newest = [...list.children];
const newestStatus = status.textContent;
const facets = [...form.querySelectorAll("fieldset[data-facet]")];
const labels = new Map(); // "facet value" -> the value's label
const legends = new Map(facets.map((f) => [f.dataset.facet, f.querySelector("legend").textContent]));
const SORTS = {
  newest: { added: "desc" },
  reviewed: { reviewed: "desc" },
  title: { title: "asc" },
  evidence: { evidence: "desc" }, // the scale's strongest level first, then the newest (site/evidence.py)
};

let loading = null;

function engine() {
  // Pagefind loads with the first search, not with the page: a reader who only browses loads none of it.
  loading ??= (async () => {
    const pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
    await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 0 });
    pagefind.init();
    return pagefind;
  })();
  return loading;
}
let picked = ""; // the sort the reader (or the address) chose; "" follows the words
let results = [];
let shown = 0;
let generation = 0;

// -- the listing becomes filters ---------------------------------------------------------

function upgrade(fieldset) {
  const name = fieldset.dataset.facet;
  for (const item of fieldset.querySelectorAll("li[data-value]")) {
    const value = item.dataset.value;
    const [shownLabel, count] = [item.firstElementChild, item.querySelector(".cmp-count")];
    const input = document.createElement("input");
    input.type = "checkbox";
    input.name = name;
    input.value = value;
    input.id = `cmp-${name}-${value}`;
    const label = document.createElement("label");
    label.htmlFor = input.id;
    label.append(input, " ", shownLabel.textContent, " ", count);
    shownLabel.replaceWith(label);
    labels.set(`${name} ${value}`, shownLabel.textContent);
    input.dataset.total = count.textContent; // what it finds with nothing else chosen
    input.disabled = count.textContent === "0";
  }
}

function boxes(fieldset) {
  return [...fieldset.querySelectorAll("input[type=checkbox]")];
}

function chosen() {
  const out = {};
  for (const fieldset of facets) {
    const values = boxes(fieldset).filter((b) => b.checked).map((b) => b.value);
    if (values.length) out[fieldset.dataset.facet] = values;
  }
  return out;
}

// -- the address ------------------------------------------------------------------------

function readUrl() {
  const params = new URLSearchParams(window.location.search);
  query.value = params.get("q") || "";
  const wanted = params.get("sort") || "";
  picked = wanted in SORTS ? wanted : "";
  for (const fieldset of facets) {
    const values = new Set(params.getAll(fieldset.dataset.facet));
    for (const box of boxes(fieldset)) box.checked = values.has(box.value);
  }
}

function writeUrl(push) {
  const params = new URLSearchParams();
  if (query.value.trim()) params.set("q", query.value.trim());
  for (const [name, values] of Object.entries(chosen())) for (const value of values) params.append(name, value);
  if (picked) params.set("sort", picked);
  const search = params.toString();
  const url = window.location.pathname + (search ? `?${search}` : "");
  if (url === window.location.pathname + window.location.search) return;
  if (push) window.history.pushState(null, "", url);
  else window.history.replaceState(null, "", url);
}

// -- searching --------------------------------------------------------------------------

function totals(fieldset) {
  return Object.fromEntries(boxes(fieldset).map((b) => [b.value, Number(b.dataset.total)]));
}

function filtersFor(selection, { without = "", counting = false } = {}) {
  const filters = { listed: "practice" }; // every practice page: no words and no filter lists them all
  for (const fieldset of facets) {
    const name = fieldset.dataset.facet;
    if (selection[name] && name !== without) filters[name] = { any: selection[name] };
    // A facet named with an empty condition restricts nothing, but Pagefind then counts its values
    // even in a search without words (it counts only the filters it is given).
    else if (counting) filters[name] = { none: [] };
  }
  return filters;
}

function facetsShown() {
  // On a phone the facets wait in a closed sheet: their counts (which load every facet's index)
  // are worked out when it opens, so a first search loads only what its results need.
  return window.getComputedStyle(sheet).display !== "none";
}

let countsFor = null; // the search whose counts the facets show

async function refreshCounts() {
  const mine = generation;
  const words = query.value.trim();
  const selection = chosen();
  const key = JSON.stringify([words, selection]);
  if (countsFor === key) return;
  const all = await (await engine()).search(words || null, { filters: filtersFor(selection, { counting: true }) });
  if (mine !== generation || all === null) return;
  // A chosen facet's own counts leave its choice out: they say what choosing another value adds.
  const counts = { ...all.filters };
  await Promise.all(
    Object.keys(selection).map(async (name) => {
      const other = await (await engine()).search(words || null, {
        filters: filtersFor(selection, { without: name, counting: true }),
      });
      if (other !== null) counts[name] = other.filters[name] || {};
    }),
  );
  if (mine !== generation) return;
  showCounts(counts);
  countsFor = key;
}

function sortFor(words) {
  // Without words there is no best match: the newest come first.
  sort.value = picked || (words ? "" : "newest");
  sort.querySelector('option[value=""]').disabled = !words;
  return SORTS[sort.value];
}

function describe(count, words, selection) {
  const parts = Object.entries(selection).map(
    ([name, values]) => `${legends.get(name)}: ${values.map((v) => labels.get(`${name} ${v}`)).join(" or ")}`,
  );
  const what = [words ? `“${words}”` : "", ...parts].filter(Boolean).join(", ");
  if (!what) {
    const order = sort.options[sort.selectedIndex].text.toLowerCase();
    return `${count} ${count === 1 ? "practice" : "practices"}, ${order === "newest" ? "newest first" : `by ${order}`}.`;
  }
  const noun = count === 1 ? "practice matches" : "practices match";
  return `${count} ${noun} ${what}.`;
}

function showCounts(counts) {
  for (const fieldset of facets) {
    const name = fieldset.dataset.facet;
    const found = counts[name] || {};
    for (const box of boxes(fieldset)) {
      const count = found[box.value] || 0;
      const badge = box.parentElement.querySelector(".cmp-count");
      badge.textContent = String(count);
      badge.setAttribute("aria-label", `${count} ${count === 1 ? "practice" : "practices"}`);
      // A value that would find nothing stays in view with its 0, disabled, unless it is chosen (so it
      // can be unchosen): the reader sees that nothing is there, rather than wonder where it went.
      box.disabled = count === 0 && !box.checked;
    }
  }
}

function chip(text, label, onClick) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "cmp-chip";
  button.textContent = text;
  button.setAttribute("aria-label", label);
  button.addEventListener("click", onClick);
  item.append(button);
  return item;
}

function showChips(selection) {
  const items = [];
  for (const [name, values] of Object.entries(selection)) {
    for (const value of values) {
      const text = `${legends.get(name)}: ${labels.get(`${name} ${value}`)}`;
      items.push(
        chip(`${text} ✕`, `Remove the filter ${text}`, () => {
          document.getElementById(`cmp-${name}-${value}`).checked = false;
          run(true);
        }),
      );
    }
  }
  if (items.length > 1) {
    items.push(
      chip("Clear all filters", "Clear all filters", () => {
        for (const fieldset of facets) for (const box of boxes(fieldset)) box.checked = false;
        run(true);
      }),
    );
  }
  chips.replaceChildren(...items);
  chips.hidden = items.length === 0;
}

// A result's card: the page's empty card (made at build time from the same template as the cards
// the page comes with), filled with the result's text. textContent only: record text stays text.
const cardShell = document.getElementById("cmp-card").content.firstElementChild;

function card(data) {
  const item = cardShell.cloneNode(true);
  const link = item.querySelector(".cmp-card__title a");
  link.href = data.url;
  link.textContent = data.meta.title || data.url;
  item.querySelector(".cmp-card__summary").textContent = data.meta.summary || "";
  item.querySelector(".cmp-card__regions").textContent = data.meta.regions || "";
  const outside = item.querySelector(".cmp-card__outside");
  outside.querySelector("span").textContent = data.meta.outside || "";
  outside.hidden = !data.meta.outside;
  item.querySelector(".cmp-card__retired").hidden = !data.meta.retired;
  const badge = item.querySelector(".cmp-badge");
  badge.classList.add(`cmp-badge--s${data.meta.evidence_strength}`);
  badge.setAttribute("href", `${badge.getAttribute("href")}#level-${data.meta.evidence}`);
  badge.textContent = `Evidence: ${data.meta.evidence_label}`;
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

async function run(push = false) {
  writeUrl(push);
  const mine = ++generation;
  const words = query.value.trim();
  const selection = chosen();
  const nothing = !words && Object.keys(selection).length === 0;
  showChips(selection);
  filterCount.textContent = "";
  if (nothing && !picked) {
    sortFor(words);
    results = [];
    list.replaceChildren(...newest);
    more.hidden = true;
    everything.hidden = false;
    downloads.hidden = true;
    showCounts(Object.fromEntries(facets.map((f) => [f.dataset.facet, totals(f)])));
    countsFor = JSON.stringify([words, selection]);
    status.textContent = newestStatus;
    return;
  }
  everything.hidden = true;
  status.textContent = "Searching…";
  // Only a listing without words or filters needs the filter every practice has.
  const filters = nothing ? { listed: "practice" } : filtersFor(selection);
  let search;
  try {
    search = await (await engine()).search(words || null, { filters, sort: sortFor(words) });
  } catch (error) {
    status.textContent = "Search could not load. Browse the practices by region or topic instead.";
    console.error(error);
    return;
  }
  if (mine !== generation || search === null) return;
  if (facetsShown()) await refreshCounts();
  if (mine !== generation) return;
  const active = Object.values(selection).reduce((n, values) => n + values.length, 0);
  filterCount.textContent = active ? ` (${active} chosen)` : "";
  results = search.results;
  shown = 0;
  list.replaceChildren();
  await showMore();
  if (mine !== generation) return;
  downloads.hidden = results.length === 0;
  downloadStatus.textContent = "";
  done.textContent = `Show ${results.length} ${results.length === 1 ? "result" : "results"}`;
  status.textContent = results.length
    ? describe(results.length, words, selection)
    : `${describe(0, words, selection)} Try fewer words or filters.`;
}

// -- downloading what was found, from the site's open data ------------------------------

function csvRecords(text) {
  // RFC 4180: a record ends at a line break outside quotes (a cell may hold line breaks).
  const records = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === "\n" && !quoted) {
      records.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) records.push(text.slice(start));
  return records;
}

function idOf(record) {
  return record.slice(0, record.indexOf(",")).replace(/^"|"$/g, "");
}

function save(content, type, name) {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([content], { type }));
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(link.href), 0);
}

async function download(format) {
  const found = results;
  downloadStatus.textContent = `Preparing ${found.length} practices…`;
  const ids = [];
  for (let i = 0; i < found.length; i += BATCH) {
    const batch = await Promise.all(found.slice(i, i + BATCH).map((r) => r.data()));
    ids.push(...batch.map((data) => data.url.split("/").filter(Boolean).pop()));
  }
  const order = new Map(ids.map((id, n) => [id, n]));
  const source = new URL(`data/practices.${format}`, siteRoot);
  const response = await fetch(source);
  if (!response.ok) throw new Error(`${source} answered ${response.status}`);
  if (format === "json") {
    const opendata = await response.json();
    opendata.practices = opendata.practices
      .filter((p) => order.has(p.id))
      .sort((a, b) => order.get(a.id) - order.get(b.id));
    opendata.count = opendata.practices.length;
    opendata.selection = window.location.href;
    save(`${JSON.stringify(opendata, null, 2)}\n`, "application/json", "practices-found.json");
  } else {
    const [header, ...rows] = csvRecords(await response.text());
    const kept = rows.filter((r) => order.has(idOf(r))).sort((a, b) => order.get(idOf(a)) - order.get(idOf(b)));
    save([header, ...kept].join(""), "text/csv", "practices-found.csv");
  }
  downloadStatus.textContent = `Downloaded ${found.length} practices as ${format.toUpperCase()}.`;
}

// -- the filters' sheet on phones -------------------------------------------------------

function openSheet(opening) {
  sheet.classList.toggle("is-open", opening);
  if (opening) refreshCounts();
  open.setAttribute("aria-expanded", String(opening));
  if (opening) sheet.querySelector("input, summary")?.focus();
  else open.focus();
}

let timer = 0;
function soon() {
  window.clearTimeout(timer);
  timer = window.setTimeout(run, 250);
}

async function start() {
  for (const fieldset of facets) upgrade(fieldset);
  form.classList.add("cmp-finder--live");
  readUrl();
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    run(true);
  });
  query.addEventListener("input", soon);
  sort.addEventListener("change", () => {
    picked = sort.value;
    run(true);
  });
  for (const fieldset of facets) fieldset.addEventListener("change", () => run(true));
  more.addEventListener("click", showMore);
  open.addEventListener("click", () => openSheet(!sheet.classList.contains("is-open")));
  done.addEventListener("click", () => openSheet(false));
  sheet.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && sheet.classList.contains("is-open")) openSheet(false);
  });
  for (const button of downloads.querySelectorAll("button[data-format]")) {
    button.addEventListener("click", () =>
      download(button.dataset.format).catch((error) => {
        downloadStatus.textContent = "The download could not be prepared; the whole open data is on the Open data page.";
        console.error(error);
      }),
    );
  }
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
