// The finder's results, to compare and to print: a "Compare" box on each result card, a bar that
// gathers two to four chosen practices into the comparison's address, and a link that prints the
// results shown as a packet.
//
// Kept apart from finder.js: it watches the cards the finder puts in the list (made at build time or
// from a search, the same markup) and the address the finder keeps, and changes neither.

import { slugOf } from "./practice-page.js";

const MOST = 4;
const KEPT = "cmp-compare"; // the choices, kept for the tab's session as the reader searches on

const results = document.getElementById("cmp-results");
const bar = document.getElementById("cmp-compare-bar");
const barStatus = document.getElementById("cmp-compare-status");
const go = document.getElementById("cmp-compare-go");
const clear = document.getElementById("cmp-compare-clear");
const downloads = document.getElementById("cmp-download");
const packetLine = document.getElementById("cmp-packet-line");
const packet = document.getElementById("cmp-packet");
const packetBase = new URL(packet.getAttribute("href"), window.location.href);
const compareBase = new URL(bar.dataset.compare, window.location.href);

let picked = []; // [{ slug, title }], in the order chosen
try {
  const kept = JSON.parse(window.sessionStorage.getItem(KEPT) || "[]");
  if (Array.isArray(kept)) picked = kept.filter((p) => p && typeof p.slug === "string").slice(0, MOST);
} catch {
  picked = [];
}

function keep() {
  try {
    window.sessionStorage.setItem(KEPT, JSON.stringify(picked));
  } catch {
    // Storage may be off: the choices then last as long as the page.
  }
}

function decorate(card) {
  if (card.querySelector(".cmp-card__compare")) return;
  const link = card.querySelector(".cmp-card__title a");
  const slug = slugOf(link.href);
  const line = document.createElement("p");
  line.className = "cmp-card__compare";
  const label = document.createElement("label");
  const box = document.createElement("input");
  box.type = "checkbox";
  box.value = slug;
  const named = document.createElement("span");
  named.className = "cmp-visually-hidden";
  named.textContent = ` ${link.textContent}`;
  label.append(box, " Compare", named);
  line.append(label);
  card.append(line);
}

function show() {
  const slugs = picked.map((p) => p.slug);
  for (const box of results.querySelectorAll(".cmp-card__compare input")) {
    box.checked = slugs.includes(box.value);
    box.disabled = !box.checked && picked.length >= MOST;
  }
  bar.hidden = picked.length === 0;
  const names = picked.map((p) => p.title).join("; ");
  barStatus.textContent = picked.length
    ? `${picked.length} of ${MOST} chosen to compare: ${names}.${picked.length < 2 ? " Choose one more." : ""}`
    : "No practice chosen to compare.";
  if (picked.length >= 2) {
    const params = new URLSearchParams(slugs.map((slug) => ["practice", slug]));
    go.href = `${compareBase.pathname}?${params}`;
    go.removeAttribute("aria-disabled");
  } else {
    go.removeAttribute("href");
    go.setAttribute("aria-disabled", "true");
  }
}

function choose(box) {
  const card = box.closest(".cmp-card");
  const title = card.querySelector(".cmp-card__title a").textContent;
  picked = picked.filter((p) => p.slug !== box.value);
  if (box.checked && picked.length < MOST) picked.push({ slug: box.value, title });
  keep();
  show();
}

function followAddress() {
  // The packet of the results shown: the finder's address, on the packet's page.
  packet.href = `${packetBase.pathname}${window.location.search}`;
  packetLine.hidden = downloads.hidden;
}

for (const card of results.querySelectorAll(".cmp-card")) decorate(card);
new MutationObserver(() => {
  for (const card of results.querySelectorAll(".cmp-card")) decorate(card);
  show();
}).observe(results, { childList: true });
// The finder says each new search in its status line, and shows the downloads when it found any.
new MutationObserver(followAddress).observe(downloads, { attributes: true, attributeFilter: ["hidden"] });
new MutationObserver(followAddress).observe(document.getElementById("cmp-status"), { childList: true });
packet.addEventListener("click", followAddress);
results.addEventListener("change", (event) => {
  if (event.target.matches(".cmp-card__compare input")) choose(event.target);
});
clear.addEventListener("click", () => {
  picked = [];
  keep();
  show();
});
show();
followAddress();
