// A packet of practices to print: a cover naming the selection and the date, the contents, then each
// practice in full, from its own page, each starting a new printed page.
//
// The address selects the practices in the finder's own words (?region=fresno-county,
// ?population=justice-involved&evidence=promising, ?q=reentry&sort=title). One region, topic or
// population is read from its own page, which lists its practices (and says when a volume holds
// exactly them): a page of some 15 KB, where the search would cost a phone 100 KB. Anything else is
// found by the finder's search (Pagefind), whose index the reader's browser holds already from the
// finder, so a packet holds exactly what the finder shows for the same address. Where a volume holds
// exactly those practices, the cover points to its print edition.

import { inTurn, readPractice, siteRoot, slugOf, transplant } from "./practice-page.js";

const ASK_ABOVE = 50; // practices loaded without asking; beyond, the reader chooses to load them all
const AT_ONCE = 4; // pages fetched at the same time
const PAGES = { region: "regions", focus: "topics", population: "populations" }; // facet -> its pages
const SORTS = {
  newest: { added: "desc" },
  reviewed: { reviewed: "desc" },
  title: { title: "asc" },
  evidence: { evidence: "desc" },
};

const title = document.getElementById("cmp-packet-title");
const selectionLine = document.getElementById("cmp-packet-selection");
const meta = document.getElementById("cmp-packet-meta");
const volumeLine = document.getElementById("cmp-packet-volume");
const status = document.getElementById("cmp-packet-status");
const root = document.getElementById("cmp-packet");
const printButton = document.getElementById("cmp-packet-print");
const finderLink = document.getElementById("cmp-packet-finder");
const contents = document.getElementById("cmp-packet-contents");
const list = document.getElementById("cmp-packet-list");
const practices = document.getElementById("cmp-packet-practices");

// The facets and their values' labels, as the finder names them, written by the build.
const facets = new Map(
  [...document.getElementById("cmp-packet-labels").content.querySelectorAll("ul[data-facet]")].map((ul) => [
    ul.dataset.facet,
    {
      label: ul.dataset.label,
      values: new Map([...ul.querySelectorAll("li")].map((li) => [li.dataset.value, li.textContent])),
    },
  ]),
);
const volumes = [...document.getElementById("cmp-packet-volumes").content.querySelectorAll("a")];

function read() {
  const params = new URLSearchParams(window.location.search);
  const chosen = {};
  for (const [name, facet] of facets) {
    const values = params.getAll(name).filter((v) => facet.values.has(v));
    if (values.length) chosen[name] = values;
  }
  const sort = params.get("sort");
  return { words: (params.get("q") || "").trim(), chosen, sort: sort in SORTS ? sort : "" };
}

function describe({ words, chosen }) {
  // One region, topic or population: its name alone, as its page is titled.
  const names = Object.entries(chosen);
  if (!words && names.length === 1 && names[0][1].length === 1) {
    const [name, [value]] = names[0];
    return { heading: facets.get(name).values.get(value), line: facets.get(name).label };
  }
  const parts = names.map(
    ([name, values]) => `${facets.get(name).label}: ${values.map((v) => facets.get(name).values.get(v)).join(" or ")}`,
  );
  if (words) parts.unshift(`Words: “${words}”`);
  return parts.length
    ? { heading: "Practices found", line: parts.join("; ") }
    : { heading: "Every practice", line: "The whole compendium" };
}

function today() {
  return new Date().toLocaleDateString("en-US", { year: "numeric", month: "long", day: "numeric" });
}

async function fromPage(folder, value) {
  // The practices a region's, topic's or population's page lists, A to Z (all of them on its A-to-Z
  // list when it has one, else its cards), and the volume it says holds exactly them.
  const address = new URL(`${folder}/${value}/`, siteRoot);
  const response = await fetch(address);
  if (!response.ok) throw new Error(`${address} answered ${response.status}`);
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const article = page.querySelector("article");
  const listed = article.querySelector(".cmp-index")
    ? article.querySelectorAll(".cmp-index a")
    : article.querySelectorAll(".cmp-cards .cmp-card__title a");
  const seen = new Set();
  const data = [];
  for (const link of listed) {
    const url = new URL(link.getAttribute("href"), address).href;
    if (seen.has(url)) continue;
    seen.add(url);
    data.push({ url, meta: { title: link.textContent.trim() } });
  }
  const pdf = article.querySelector(".cmp-holding a[href$='.pdf']");
  return { data, volume: pdf ? { href: new URL(pdf.getAttribute("href"), address).href, text: pdf.textContent } : null };
}

async function find(selection) {
  const names = Object.entries(selection.chosen);
  if (!selection.words && names.length === 1 && names[0][1].length === 1 && PAGES[names[0][0]]) {
    if (!selection.sort || selection.sort === "title") return fromPage(PAGES[names[0][0]], names[0][1][0]);
  }
  const { data, volumeCounts } = await search(selection);
  // The selection is a volume's when every practice found is in it and it holds no other.
  const match = volumes.find(
    (v) => Number(v.dataset.count) === data.length && volumeCounts[v.dataset.volume] === data.length,
  );
  if (!match) return { data, volume: null };
  const href = new URL(match.getAttribute("href"), window.location.href).href;
  return { data, volume: { href, text: `${match.textContent} (PDF)` } };
}

async function search({ words, chosen, sort }) {
  const pagefind = await import(new URL("pagefind/pagefind.js", siteRoot).href);
  await pagefind.options({ baseUrl: siteRoot.pathname, excerptLength: 0 });
  const filters = { listed: "practice" };
  for (const [name, values] of Object.entries(chosen)) filters[name] = { any: values };
  if (!chosen.volume) filters.volume = { none: [] }; // restricts nothing; counts the volumes found
  const found = await pagefind.search(words || null, { filters, sort: SORTS[sort] || SORTS.title });
  const data = [];
  await inTurn(found.results, 8, async (result, index) => {
    data[index] = await result.data();
  });
  return { data, volumeCounts: found.filters.volume || {} };
}

function pointToVolume(volume) {
  if (!volume) return;
  const link = document.createElement("a");
  link.href = volume.href;
  link.textContent = volume.text;
  volumeLine.replaceChildren(
    "These are exactly the practices of one volume, whose print edition makes the better packet: ",
    link,
    ".",
  );
  volumeLine.hidden = false;
}

function slot(data, index) {
  // Each practice's place, made before any is loaded, so they stand in the contents' order.
  const section = document.createElement("section");
  section.className = "cmp-packet__practice";
  section.id = `packet-${index + 1}`;
  section.setAttribute("aria-labelledby", `packet-${index + 1}-title`);
  const heading = document.createElement("h2");
  heading.id = `packet-${index + 1}-title`;
  heading.className = "cmp-packet__practice-title";
  heading.textContent = data.meta.title || slugOf(data.url);
  const from = document.createElement("p");
  from.className = "cmp-packet__from";
  const link = document.createElement("a");
  link.href = new URL(data.url, window.location.href).href;
  link.textContent = link.href;
  from.append(`${index + 1} of ${list.children.length}. From `, link);
  section.append(heading, from);
  practices.append(section);
  return section;
}

async function fill(section, data, index) {
  const page = await readPractice(slugOf(data.url));
  if (page === null) {
    const missing = document.createElement("p");
    missing.textContent = "This practice's page could not be read; open it from the address above.";
    section.append(missing);
    return false;
  }
  const body = transplant(page.article, page.url, `p${index + 1}-`, 1);
  // Its title is the section's own heading already.
  body.querySelector("h2")?.remove();
  body.removeAttribute("id");
  body.className = "cmp-packet__body";
  for (const fold of body.querySelectorAll("details")) fold.open = true; // printed whole
  section.append(body);
  return true;
}

// One button, so nothing moves as it changes: it loads a long packet when asked, then prints.
let pressed = () => window.print();
printButton.addEventListener("click", () => pressed());

async function load(found) {
  printButton.disabled = true;
  printButton.textContent = "Print or save as PDF";
  pressed = () => window.print();
  const sections = found.map(slot);
  let done = 0;
  let failed = 0;
  status.textContent = `Loading ${found.length} practices…`;
  await inTurn(found, AT_ONCE, async (data, index) => {
    if (!(await fill(sections[index], data, index))) failed += 1;
    done += 1;
    status.textContent = `Loading the practices: ${done} of ${found.length}…`;
  });
  status.textContent =
    `Ready: ${found.length} ${found.length === 1 ? "practice" : "practices"}, each on new pages.` +
    (failed ? ` ${failed} could not be read.` : "") +
    " Print it, or choose “Save as PDF” in the print dialog.";
  printButton.disabled = false;
}

async function start() {
  const selection = read();
  const { heading, line } = describe(selection);
  title.textContent = heading;
  document.title = `${heading}: a packet of practices`;
  selectionLine.textContent = line;
  meta.textContent = `Made on ${today()} from this address: `;
  const address = document.createElement("a");
  address.href = window.location.href;
  address.textContent = window.location.href;
  meta.append(address);
  // Shown once named: until then the cover and its tools keep their place, unseen, so that nothing
  // below them moves as their words arrive.
  root.classList.add("is-live");
  finderLink.href = new URL(window.location.search, new URL(finderLink.getAttribute("href"), window.location.href)).href;
  const { data, volume } = await find(selection);
  document.getElementById("cmp-packet-contents-title").textContent =
    `Contents: ${data.length} ${data.length === 1 ? "practice" : "practices"}`;
  if (!data.length) {
    status.textContent = "No practice matches this selection. Change it in the finder.";
    return;
  }
  pointToVolume(volume);
  for (const [index, item] of data.entries()) {
    const entry = document.createElement("li");
    const link = document.createElement("a");
    link.href = `#packet-${index + 1}`;
    link.textContent = item.meta.title || slugOf(item.url);
    entry.append(link);
    list.append(entry);
  }
  contents.hidden = false;
  if (data.length > ASK_ABOVE) {
    status.textContent = `${data.length} practices: a long packet, read from ${data.length} pages. Load them all to print it.`;
    printButton.textContent = `Load all ${data.length} practices`;
    printButton.disabled = false;
    pressed = () => load(data);
    return;
  }
  await load(data);
}

start().catch((error) => {
  status.textContent = "The packet could not be made. Print each practice from its own page instead.";
  console.error(error);
});
