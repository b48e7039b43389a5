// Submit a practice: turns the form into a practice record, checks it, and
// proposes it on GitHub (a "new file" page, filled in, whose saving opens a
// pull request). No server: nothing leaves the browser until the user saves it
// on GitHub. The form itself is generated from the record's JSON Schema; this
// script only reads it back, in the order the fields are declared.
//
// A draft is kept in this browser's storage as the user types, so closing the
// tab loses nothing; "Clear the form" removes it.

import { Names, configure, key } from "./names.mjs";
import { broken, message, written } from "./rules.mjs";

// js-yaml writes the record's front matter. It is fetched when a record is first written, not with
// the page: at 21 KB gzipped it was a tenth of the form's first load, which only reading the form needs.
let yaml = null;
let failures = 0;
function loadYaml() {
  // A failed fetch (offline for a moment) is tried again on the next press, at an address of its own:
  // the HTML standard lets a browser remember a module's failure by its address.
  const address = failures ? `./vendor/js-yaml.mjs?retry=${failures}` : "./vendor/js-yaml.mjs";
  yaml ??= import(address).catch((error) => {
    yaml = null;
    failures += 1;
    throw error;
  });
  return yaml;
}

const form = document.getElementById("cmp-submit");
const shape = JSON.parse(document.getElementById("cmp-submit-record").textContent);
const errors = document.getElementById("cmp-errors");
const status = document.getElementById("cmp-submit-status");
const output = document.getElementById("cmp-output");
const heading = document.getElementById("cmp-output-title");
const recordView = document.getElementById("cmp-record");
const propose = document.getElementById("cmp-propose");
const outputStatus = document.getElementById("cmp-output-status");
const slugInput = document.getElementById("f-slug");
const titleInput = document.getElementById("f-title");
const existing = new Map(
  [...document.querySelectorAll("#cmp-practice-ids option")].map((o) => [o.value, o.label]),
);
const DRAFT_KEY = `cmp-submit-draft:${window.location.pathname}`;
// GitHub serves URLs up to about 8 KB; a longer record is uploaded as a file instead.
const URL_LIMIT = 8000;
const SLUG = new RegExp(`^(?:${slugInput.pattern})$`);
const names = JSON.parse(document.getElementById("cmp-submit-names").textContent);
configure(names);
const regionNames = new Names(
  shape.labels.regions,
  Object.fromEntries(Object.entries(names.regions).map(([id, region]) => [id, region.aliases])),
);

let record = "";
let slugEdited = false;

// -- lists of groups (partners, funding, ...) ---------------------------------

function itemsOf(list) {
  return [...list.querySelector(":scope > ol").children];
}

function renumber(list) {
  // Ids inside an item carry its position (f-partners-2-name): keep them 1, 2, 3…
  // so labels stay tied to their inputs and a saved draft restores to the same ids.
  const base = list.id;
  itemsOf(list).forEach((item, index) => {
    const n = String(index + 1);
    item.querySelector("[data-n]").textContent = n;
    for (const el of item.querySelectorAll("[id], [for], [aria-describedby]")) {
      for (const attr of ["id", "for", "aria-describedby"]) {
        const value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace(new RegExp(`^${base}-(?:N|\\d+)(?=-|$)`), `${base}-${n}`));
      }
    }
  });
  const addButton = list.querySelector(":scope > [data-add]");
  const word = noun(list);
  const article = itemsOf(list).length ? "another" : /^[aeiou]/.test(word) ? "an" : "a";
  addButton.textContent = `Add ${article} ${word}`;
}

function addItem(list, focus = false) {
  const fragment = list.querySelector("template").content.cloneNode(true);
  const item = fragment.firstElementChild;
  list.querySelector(":scope > ol").append(item);
  renumber(list);
  if (focus) item.querySelector("input, select, textarea").focus();
  return item;
}

function removeItem(button) {
  const item = button.closest("li");
  const list = item.closest('[data-kind="list"]');
  const next = item.nextElementSibling || item.previousElementSibling;
  item.remove();
  renumber(list);
  (next ? next.querySelector("input, select, textarea") : list.querySelector("[data-add]")).focus();
  saveDraft();
}

// -- reading the form back into a record --------------------------------------

function fieldsOf(container) {
  // The fields directly inside container: not those of a group or item nested in it.
  return [...container.querySelectorAll("[data-kind]")].filter(
    (el) => el !== container && el.parentElement.closest("[data-kind], form") === container,
  );
}

function controlOf(field) {
  return field.querySelector("input, select, textarea");
}

function valueOf(field) {
  switch (field.dataset.kind) {
    case "choices": {
      // A term the vocabulary lacks is written in words, as {new: …}; an editor adds it.
      const chosen = [...field.querySelectorAll("input:checked:not([data-new-county])")].map((box) => box.value);
      const named = pendingOf(field);
      if (field.dataset.key === "regions") {
        const placed = newRegionOf(field);
        return isEmpty(placed) ? chosen : [...chosen, placed];
      }
      return named ? [...chosen, { new: named }] : chosen;
    }
    case "list": {
      // The items written, and (for rules' messages) the fieldset each came from.
      const kept = itemsOf(field)
        .map((item) => item.querySelector('[data-kind="item"]'))
        .filter((group) => !isEmpty(read(group)));
      field.kept = kept;
      return kept.map((group) => read(group));
    }
    case "group":
    case "item":
      return read(field);
    default: {
      const control = controlOf(field);
      if (control.dataset.type === "boolean") return control.checked ? true : "";
      const text = control.value.trim();
      if (!text && control.tagName === "SELECT" && pendingOf(field)) return { new: pendingOf(field) };
      if (text && control.dataset.type === "integer") return Number(text);
      return text;
    }
  }
}

function newRegionOf(field) {
  // A region the list lacks, with where it lies: its counties, a region it lies in, or its state.
  const out = {};
  const name = pendingOf(field);
  if (name) out.new = name;
  const counties = [...field.querySelectorAll("input[data-new-county]:checked")].map((box) => box.value);
  if (counties.length) out.counties = counties;
  const within = field.querySelector("[data-new-within]").value;
  if (within) out.within = [within];
  const state = field.querySelector("[data-new-state]").value;
  if (state) out.state = state;
  return out;
}

function pendingOf(field) {
  const named = field.querySelector("[data-pending]");
  return named ? named.value.trim() : "";
}

function isEmpty(value) {
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === "object") return Object.keys(value).length === 0;
  return value === "" || value === undefined;
}

function read(container) {
  // An item holding one unnamed field (a related practice) is that field's value.
  const fields = fieldsOf(container);
  if (fields.length === 1 && !fields[0].dataset.key && container.dataset.kind === "item") {
    return valueOf(fields[0]);
  }
  const out = {};
  for (const field of fields) {
    if (!field.dataset.key) continue;
    const value = valueOf(field);
    if (!isEmpty(value)) out[field.dataset.key] = value;
  }
  return out;
}

function today() {
  const now = new Date();
  const pad = (n) => String(n).padStart(2, "0");
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

function buildFront() {
  const values = read(form.querySelector('[data-kind="record"]'));
  const front = {};
  for (const name of shape.order) {
    if (name in shape.fixed) front[name] = shape.fixed[name];
    else if (name === shape.dated) front[name] = today();
    else if (name in values) front[name] = values[name];
  }
  return front;
}

async function buildRecord(front = buildFront()) {
  const { dump } = await loadYaml();
  const sections = [...form.querySelectorAll('[data-kind="section"]')].map((field) => {
    const text = controlOf(field).value.replace(/\r\n?/g, "\n").trim();
    return `## ${field.dataset.section}\n\n${text}\n`;
  });
  return `---\n${dump(front, { lineWidth: 88, noRefs: true })}---\n\n${sections.join("\n")}`;
}

// -- checking ------------------------------------------------------------------

function slugify(title) {
  // As `compendium new` does: lowercase words joined by hyphens, at most 60 characters.
  const words = title.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "");
  return words.slice(0, 60).replace(/-+$/, "") || "";
}

function contextOf(field) {
  // "Partner 2: …", "Contact: …": which of several same-named fields a message is about.
  const group = field.parentElement.closest('[data-kind="item"], [data-kind="group"]');
  return group ? `${group.querySelector("legend").textContent.trim()}: ` : "";
}

function problemOf(field, required) {
  const label = field.dataset.label;
  const kind = field.dataset.kind;
  const where = contextOf(field);
  if (kind === "choices") {
    const min = Number(field.dataset.min || 0);
    if (valueOf(field).length < min) return `${where}choose at least one of the ${label.toLowerCase()}`;
    return field.dataset.key === "regions" ? newRegionProblem(field) : pendingProblem(field, where, label);
  }
  const control = controlOf(field);
  const text = control.value.trim();
  if (!text && pendingOf(field)) return pendingProblem(field, where, label);
  if (control.validity.badInput) return `${where}${label}: ${control.dataset.hint}`;
  if (!text) {
    if (!required || pendingOf(field)) return "";
    if (kind === "section") return `Write the “${label}” section`;
    return control.tagName === "SELECT" ? `${where}choose the ${label.toLowerCase()}` : `${where}fill in “${label}”`;
  }
  if (!control.checkValidity()) return `${where}${label}: ${control.dataset.hint || control.validationMessage}`;
  if (kind === "section") return sectionProblem(label, text);
  if (kind === "slug") {
    if (!SLUG.test(text)) return `${label}: ${control.dataset.hint}`;
    if (existing.has(text)) return `${label}: “${text}” is already used by “${existing.get(text)}”; choose another`;
  }
  if (control === titleInput) {
    const same = [...existing.values()].find((t) => t.toLowerCase() === text.toLowerCase());
    if (same) return `${label}: a practice with this title exists already`;
  }
  return "";
}

const namesOf = {};

function pendingProblem(field, where, label) {
  // A term named in words that the list has already, spelt another way, is refused as validate does.
  const text = pendingOf(field);
  const vocabulary = field.dataset.vocabulary;
  if (!text || !vocabulary || !shape.labels[vocabulary]) return "";
  namesOf[vocabulary] ??= new Names(shape.labels[vocabulary]);
  const same = namesOf[vocabulary].same(text);
  if (!same) return "";
  return `${where}${label}: “${text}” is ${shape.labels[vocabulary][same]}, which the list has already: choose it instead`;
}

function newRegionProblem(field) {
  // As validate says it (records/places.py, records/names.py): a new region says where it lies, and
  // is no region of the list under another spelling.
  const placed = newRegionOf(field);
  if (isEmpty(placed)) return "";
  if (!placed.new) return "Regions: name the new region whose place you chose";
  const same = regionNames.same(placed.new);
  if (same) {
    return `Regions: “${placed.new}” is ${shape.labels.regions[same]}, which the list has already: choose it above instead`;
  }
  if (!placed.counties && !placed.within && !placed.state) return `Regions: ${shape.nowhere.replaceAll("{name}", placed.new)}`;
  return "";
}

// What `compendium validate` refuses in a section's text (scripts/compendium/records/body.py), so the
// form never writes a record that fails; tests/test_browser.py holds both to the same cases.
const ATTRIBUTE_LIST = /\{:?[ \t]*(?:[#.][\w-]|[\w-]+[ \t]*=)[^}\n]*\}/;
const SCRIPT_ADDRESS = /(?:java|vb|live)script\s*:|(?:[(<]|\]:)\s*(?:data|file)\s*:/i;
const LINK_TARGETS = /\]\(\s*<?([^)\s>]*)|^ {0,3}\[[^\]]+\]:\s*<?(\S*?)>?(?:\s|$)/gm;

function sectionProblem(label, text) {
  if (/<[a-zA-Z!/?]/.test(text)) return `${label}: write plain text; HTML tags such as <b> are not allowed`;
  if (/^ {0,3}#{1,2}(?:[ \t]|$)/m.test(text) || /\S[^\n]*\n {0,3}(?:=+|-+)[ \t]*$/m.test(text)) {
    return `${label}: the section has its heading already; start no line with # or ##, and underline no line with === or ---`;
  }
  if (ATTRIBUTE_LIST.test(text)) return `${label}: attribute lists such as {: .class} are not allowed`;
  if (/-+8<-+/.test(text)) return `${label}: '--8<--' file includes are not allowed; paste the text itself`;
  if (SCRIPT_ADDRESS.test(text.replace(/&#?\w+;|%[0-9a-f]{2}/gi, decodeEntity))) {
    return `${label}: links may use http, https or mailto, or point to another practice`;
  }
  for (const match of text.matchAll(LINK_TARGETS)) {
    const problem = targetProblem(match[1] ?? match[2] ?? "");
    if (problem) return `${label}: the link to “${match[1] ?? match[2]}” ${problem}`;
  }
  if (/!\[[^\]]*\]\(/.test(text)) return `${label}: records cannot carry images yet; describe it in words or link to it`;
  return "";
}

function targetProblem(target) {
  if (!target || target.startsWith("#") || /^(?:https?|mailto):/i.test(target)) return "";
  if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//")) return "is not allowed; use http, https or mailto";
  const practice = /^([a-z0-9]+(?:-[a-z0-9]+)*)\.md(?:[#?].*)?$/.exec(target);
  if (!practice) return "is not a practice; relative links may only point to another practice, e.g. other-practice.md";
  if (!existing.has(practice[1])) return "points to a practice that does not exist";
  return "";
}

function decodeEntity(entity) {
  const box = document.createElement("textarea");
  box.innerHTML = entity.startsWith("%") ? decodeURIComponent(entity) : entity;
  return box.value;
}

function check() {
  const found = [];
  const visit = (container, active) => {
    for (const field of fieldsOf(container)) {
      const kind = field.dataset.kind;
      if (kind === "group") {
        // An optional group left empty is simply left out; once begun, its required fields count.
        visit(field, !isEmpty(read(field)) || (active && "required" in field.dataset));
      } else if (kind === "item") {
        visit(field, active || !isEmpty(read(field)));
      } else if (kind === "list") {
        const count = valueOf(field).length;
        const min = Number(field.dataset.min || 0);
        for (const item of itemsOf(field)) {
          const group = item.querySelector('[data-kind="item"]');
          visit(group, !isEmpty(read(group)) || (count < min && item === itemsOf(field)[0]));
        }
        if (count < min && !itemsOf(field).length) {
          found.push([field, `Add at least one ${noun(field)} under ${field.dataset.label}`]);
        }
      } else {
        const required = active && controlOf(field)?.getAttribute("aria-required") === "true";
        const problem = problemOf(field, required || (kind === "choices" && active));
        if (problem) found.push([field, problem]);
      }
    }
  };
  visit(form.querySelector('[data-kind="record"]'), true);
  for (const field of form.querySelectorAll('[data-kind="section"], [data-kind="slug"]')) {
    const problem = problemOf(field, true);
    if (problem) found.push([field, problem]);
  }
  // The rules across fields (records/rules.py), as validate applies them to the record about to be written.
  if (!found.length) {
    for (const [keypath, rule, itemPath, item, places] of broken(shape.rules, buildFront())) {
      const field = fieldAt(keypath) || form.querySelector('[data-kind="record"]');
      const said = message(rule, itemPath, item, placeOf, places);
      found.push([field, said, { rule: rule.name, keypath: written(keypath), validate: message(rule, itemPath, item, written, places) }]);
    }
  }
  // "choose the role" reads better as "Choose the role" at the start of a message.
  return found.map(([field, text, about]) => [field, text.charAt(0).toUpperCase() + text.slice(1), about]);
}

function fieldAt(keypath) {
  // The form's field (or list item) a record's keypath points to, as far as the form has one:
  // outcomes[2].undated is the "Undated" box of the second outcome written.
  let here = form.querySelector('[data-kind="record"]');
  for (const part of keypath) {
    if (typeof part === "number") {
      if (here.dataset.kind !== "list") return here;
      valueOf(here); // remembers which items were written
      const item = (here.kept || [])[part];
      if (!item) return here;
      here = item;
    } else {
      const next = fieldsOf(here).find((el) => el.dataset.key === part);
      if (!next) return here;
      here = next;
    }
  }
  return here;
}

function placeOf(path) {
  // How the form names the place a rule's message is about: an item by its legend ("Outcome 2"), a
  // field by its label, after the item it is in ("Partner 2: Part of"), as the form's own messages do.
  const field = fieldAt(path);
  if (!field || !path.length) return "";
  const legend = field.querySelector(":scope > legend");
  if (field.dataset.kind === "item" || !field.dataset.label) return legend ? legend.textContent.trim() : "";
  return `${contextOf(field)}${field.dataset.label}`;
}

function noun(list) {
  return list.querySelector("template").content.querySelector("legend").firstChild.textContent.trim().toLowerCase();
}

function clearProblems() {
  for (const el of form.querySelectorAll(".cmp-error")) el.remove();
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.endsWith("-error"));
    el.setAttribute("aria-describedby", ids.join(" "));
  }
  errors.hidden = true;
  errors.replaceChildren();
}

function showProblems(found) {
  clearProblems();
  const title = document.createElement("h2");
  title.textContent = found.length === 1 ? "There is one thing to fix" : `There are ${found.length} things to fix`;
  const list = document.createElement("ul");
  found.forEach(([field, message, about], index) => {
    const target = field.dataset.kind === "choices" ? field.querySelector("input") : controlOf(field);
    const error = document.createElement("p");
    error.className = "cmp-error";
    error.id = `cmp-error-${index}-error`;
    error.textContent = message;
    const help = field.querySelector(":scope > .cmp-help");
    (help || field.querySelector(":scope > label, :scope > legend")).after(error);
    const described = field.dataset.kind === "choices" ? field : target;
    described.setAttribute("aria-invalid", "true");
    described.setAttribute("aria-describedby", `${described.getAttribute("aria-describedby") || ""} ${error.id}`.trim());
    const item = document.createElement("li");
    if (about) {
      item.dataset.rule = about.rule;
      item.dataset.keypath = about.keypath;
      item.dataset.validate = about.validate;
    }
    const link = document.createElement("a");
    link.href = `#${target.id}`;
    link.textContent = message;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      target.focus();
      target.scrollIntoView({ block: "center" });
    });
    item.append(link);
    list.append(item);
  });
  errors.append(title, list);
  errors.hidden = false;
  errors.focus();
}

// -- regions: found by typing (the ARIA 1.2 combobox pattern) ---------------------------

const regionsField = form.querySelector('[data-key="regions"]');
const search = document.getElementById("f-regions-search");
const listbox = document.getElementById("f-regions-options");
const chosenList = document.getElementById("f-regions-chosen");
const foundStatus = document.getElementById("f-regions-found");
const suggestion = document.getElementById("f-regions-suggest");
const REGIONS = Object.entries(shape.labels.regions).map(([id, label]) => {
  const about = names.regions[id];
  const called = [key(label), ...about.aliases.map((alias) => key(alias)), key(id)];
  return {
    id,
    label,
    system: about.system,
    counties: about.counties,
    called,
    name: called.join(" ").split(" "),
    countyNames: about.counties.map((county) => key(county).split(" ")),
    systemName: key(about.system).split(" "),
  };
});
const SHOWN = 30;
let active = -1;

function boxOf(id) {
  return regionsField.querySelector(`input[data-region][value="${id}"]`);
}

function everyWordStarts(query, words) {
  return query.every((part) => words.some((word) => word.startsWith(part)));
}

function regionMatches(text) {
  // A name (or another name, or the id) that is what was typed, then one that begins with it, then
  // one holding every word typed; then a county in it; then its kind.
  const typed = key(text);
  const query = typed.split(" ").filter(Boolean);
  if (!query.length) return [];
  const found = [];
  for (const region of REGIONS) {
    let rank = -1;
    let why = "";
    if (region.called.includes(typed)) rank = 0;
    else if (region.called.some((name) => name.startsWith(typed))) rank = 1;
    else if (everyWordStarts(query, region.name)) rank = 2;
    else {
      const county = region.countyNames.findIndex((words) => everyWordStarts(query, words));
      if (county >= 0) {
        rank = 3;
        why = `includes ${region.counties[county]}`;
      } else if (everyWordStarts(query, region.systemName)) rank = 4;
    }
    if (rank >= 0) found.push({ region, rank, why });
  }
  found.sort((a, b) => a.rank - b.rank || a.region.label.localeCompare(b.region.label));
  return found;
}

function closeList() {
  listbox.hidden = true;
  search.setAttribute("aria-expanded", "false");
  search.removeAttribute("aria-activedescendant");
  active = -1;
}

function setActive(index) {
  const options = [...listbox.children];
  if (!options.length) return;
  active = (index + options.length) % options.length;
  options.forEach((option, n) => option.classList.toggle("is-active", n === active));
  search.setAttribute("aria-activedescendant", options[active].id);
  options[active].scrollIntoView({ block: "nearest" });
}

function showMatches() {
  const text = search.value.trim();
  listbox.replaceChildren();
  suggestion.hidden = true;
  suggestion.replaceChildren();
  if (!text) {
    closeList();
    foundStatus.textContent = "";
    return;
  }
  const found = regionMatches(text);
  for (const { region, why } of found.slice(0, SHOWN)) {
    const option = document.createElement("li");
    option.id = `f-regions-option-${region.id}`;
    option.setAttribute("role", "option");
    const chosen = boxOf(region.id).checked;
    option.setAttribute("aria-selected", String(chosen));
    option.dataset.value = region.id;
    const name = document.createElement("span");
    name.className = "cmp-combo__name";
    name.textContent = region.label;
    const kind = document.createElement("span");
    kind.className = "cmp-combo__kind";
    kind.textContent = ` — ${region.system}${why ? `, ${why}` : ""}${chosen ? " (chosen)" : ""}`;
    option.append(name, kind);
    listbox.append(option);
  }
  if (found.length) {
    listbox.hidden = false;
    search.setAttribute("aria-expanded", "true");
    active = -1;
    const more = found.length > SHOWN ? `; the first ${SHOWN} are shown, type more to narrow them` : "";
    foundStatus.textContent = `${found.length} region${found.length === 1 ? "" : "s"} found${more}. Use the arrow keys to choose.`;
    return;
  }
  closeList();
  // Nothing by that name: what validate would suggest, to choose with one press.
  const close = regionNames.close(text);
  const lead = document.createElement("span");
  lead.textContent = close.length ? `No region is named “${text}”. Did you mean ` : `No region is named “${text}”. Below, you can name it as a new region.`;
  suggestion.append(lead);
  close.forEach((id, n) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "md-button cmp-combo__meant";
    button.dataset.value = id;
    button.textContent = shape.labels.regions[id];
    if (n) suggestion.append(n === close.length - 1 ? " or " : ", ");
    suggestion.append(button);
  });
  if (close.length) suggestion.append("?");
  suggestion.hidden = false;
  foundStatus.textContent = lead.textContent + close.map((id) => shape.labels.regions[id]).join(" or ");
}

function choose(id) {
  const box = boxOf(id);
  box.checked = !box.checked;
  renderChosen();
  saveDraft();
  foundStatus.textContent = `${shape.labels.regions[id]} ${box.checked ? "added" : "removed"}. ${chosenCount()}`;
  search.value = "";
  closeList();
  suggestion.hidden = true;
  search.focus();
}

function chosenCount() {
  const count = regionsField.querySelectorAll("input[data-region]:checked").length;
  return `${count} region${count === 1 ? "" : "s"} chosen.`;
}

function renderChosen() {
  chosenList.replaceChildren();
  for (const box of regionsField.querySelectorAll("input[data-region]:checked")) {
    const item = document.createElement("li");
    const label = shape.labels.regions[box.value];
    item.append(`${label} `);
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "cmp-combo__remove";
    remove.dataset.value = box.value;
    remove.setAttribute("aria-label", `Remove ${label}`);
    remove.textContent = "×";
    item.append(remove);
    chosenList.append(item);
  }
}

search.addEventListener("input", showMatches);
search.addEventListener("keydown", (event) => {
  const open = !listbox.hidden;
  if (event.key === "ArrowDown") {
    event.preventDefault();
    if (!open) showMatches();
    setActive(active + 1);
  } else if (event.key === "ArrowUp") {
    event.preventDefault();
    if (open) setActive(active - 1);
  } else if (event.key === "Enter") {
    // Enter chooses the active match, or the only one; it never submits the form from here.
    event.preventDefault();
    const options = [...listbox.children];
    if (open && active >= 0) choose(options[active].dataset.value);
    else if (open && options.length === 1) choose(options[0].dataset.value);
  } else if (event.key === "Escape") {
    if (open) {
      event.preventDefault();
      closeList();
    } else {
      search.value = "";
      suggestion.hidden = true;
    }
  }
});
search.addEventListener("blur", () => setTimeout(() => {
  if (!regionsField.contains(document.activeElement)) closeList();
}, 150));
listbox.addEventListener("mousedown", (event) => event.preventDefault()); // keep the focus in the box
listbox.addEventListener("click", (event) => {
  const option = event.target.closest("[role=option]");
  if (option) choose(option.dataset.value);
});
suggestion.addEventListener("click", (event) => {
  const meant = event.target.closest("[data-value]");
  if (!meant) return;
  if (!boxOf(meant.dataset.value).checked) choose(meant.dataset.value);
  else {
    foundStatus.textContent = `${shape.labels.regions[meant.dataset.value]} is chosen already. ${chosenCount()}`;
    search.value = "";
    suggestion.hidden = true;
    search.focus();
  }
});
chosenList.addEventListener("click", (event) => {
  const remove = event.target.closest("[data-value]");
  if (remove) choose(remove.dataset.value);
});
regionsField.addEventListener("change", (event) => {
  if (event.target.matches("input[data-region]")) renderChosen();
});

// -- the record, as a reader who does not read YAML sees it -------------------------

function labelOf(vocabulary, term) {
  if (term && typeof term === "object") {
    const where = [
      ...(term.counties || []).map((id) => shape.labels.counties[id]),
      ...(term.within || []).map((id) => `within ${shape.labels.regions[id]}`),
      ...(term.state ? [`${term.state}, outside California`] : []),
    ];
    return `${term.new} (new, for an editor to add${where.length ? `; ${where.join(", ")}` : ""})`;
  }
  return (shape.labels[vocabulary] || {})[term] || String(term);
}

function describe(name, value) {
  // One line or a short list for each field, with labels where the record holds ids.
  const vocabulary = { regions: "regions", focus: "focus", populations: "populations", sectors: "sectors" }[name];
  if (vocabulary) return value.map((term) => labelOf(vocabulary, term)).join("; ");
  if (name === "partners") {
    return value.map((p) => `${p.name} (${labelOf("partner_types", p.type)}; ${[].concat(p.role || []).map((r) => labelOf("partner_roles", r)).join(", ")})`);
  }
  if (name === "evidence") return `${labelOf("evidence_levels", value.level)}, ${labelOf("evidence_bases", value.basis)}`;
  if (name === "outcomes") {
    return value.map((o) => `${o.measure}: ${o.value}${o.unit ? ` ${o.unit}` : ""} (${o.as_of || o.period || "undated"}; ${o.source})`);
  }
  if (name === "funding") {
    const dollars = (amount) => (typeof amount === "number" ? amount.toLocaleString("en-US") : amount);
    return value.map((f) => `${labelOf("funding_streams", f.stream)}${f.amount ? `: $${dollars(f.amount)}` : ""}`);
  }
  if (name === "status") return labelOf("statuses", value);
  if (Array.isArray(value)) return value.map((item) => (typeof item === "object" ? Object.values(item).join(", ") : String(item)));
  if (value && typeof value === "object") return Object.values(value).join(", ");
  return String(value);
}

function summarize(front) {
  const list = document.getElementById("cmp-summary");
  list.replaceChildren();
  for (const [name, value] of Object.entries(front)) {
    const term = document.createElement("dt");
    term.textContent = shape.titles[name] || name;
    const detail = document.createElement("dd");
    const said = describe(name, value);
    if (Array.isArray(said)) {
      const items = document.createElement("ul");
      for (const line of said) {
        const item = document.createElement("li");
        item.textContent = line;
        items.append(item);
      }
      detail.append(items);
    } else {
      detail.textContent = said;
    }
    list.append(term, detail);
  }
  for (const field of form.querySelectorAll('[data-kind="section"]')) {
    const term = document.createElement("dt");
    term.textContent = field.dataset.section;
    const detail = document.createElement("dd");
    detail.textContent = controlOf(field).value.trim();
    list.append(term, detail);
  }
}

// -- the result ------------------------------------------------------------------

function fileName() {
  return `${slugInput.value.trim()}.md`;
}

async function showRecord() {
  const front = buildFront();
  try {
    record = await buildRecord(front);
  } catch {
    output.hidden = true;
    status.textContent =
      "The record could not be written: the part of this page that writes it did not load. Check the connection and press the button again.";
    return;
  }
  summarize(front);
  recordView.textContent = record;
  output.hidden = false;
  outputStatus.textContent = "";
  if (propose) {
    const url = `${form.dataset.newFile}?filename=${encodeURIComponent(fileName())}&value=${encodeURIComponent(record)}`;
    if (url.length <= URL_LIMIT) {
      propose.href = url;
      propose.textContent = "Propose it on GitHub";
    } else {
      // Too long for a link: GitHub's upload page takes the downloaded file instead.
      propose.href = form.dataset.newFile.replace("/new/", "/upload/");
      propose.textContent = "Upload it on GitHub";
      outputStatus.textContent =
        "This record is too long to pass to GitHub in a link: download the file, then upload it on the page that opens.";
    }
  }
  heading.focus();
  heading.scrollIntoView({ block: "start" });
}

// -- the draft -------------------------------------------------------------------

function saveDraft() {
  const lists = {};
  for (const list of form.querySelectorAll('[data-kind="list"]')) lists[list.id] = itemsOf(list).length;
  const values = {};
  for (const control of form.querySelectorAll("input, select, textarea")) {
    if (!control.id) continue;
    if (control.type === "checkbox") {
      if (control.checked) values[control.id] = true;
    } else if (control.value) {
      values[control.id] = control.value;
    }
  }
  try {
    window.localStorage.setItem(DRAFT_KEY, JSON.stringify({ lists, values, slugEdited }));
  } catch {
    // Storage may be full or turned off; the form works without a draft.
  }
}

function restoreDraft() {
  let draft = null;
  try {
    draft = JSON.parse(window.localStorage.getItem(DRAFT_KEY) || "null");
  } catch {
    draft = null;
  }
  for (const list of form.querySelectorAll('[data-kind="list"]')) {
    const wanted = Math.max(Number(list.dataset.min || 0), draft?.lists?.[list.id] || 0);
    while (itemsOf(list).length < wanted) addItem(list);
  }
  if (!draft) return;
  for (const [id, value] of Object.entries(draft.values || {})) {
    const control = document.getElementById(id);
    if (!control || !form.contains(control)) continue;
    if (control.type === "checkbox") control.checked = value === true;
    else control.value = value;
  }
  renderChosen();
  slugEdited = Boolean(draft.slugEdited);
  status.textContent = "Your draft from this browser is back. “Clear the form” starts again.";
}

// -- wiring ----------------------------------------------------------------------

form.addEventListener("click", (event) => {
  const add = event.target.closest("[data-add]");
  if (add) {
    addItem(add.closest('[data-kind="list"]'), true);
    saveDraft();
  }
  const remove = event.target.closest("[data-remove]");
  if (remove) removeItem(remove);
});

form.addEventListener("input", (event) => {
  if (event.target === slugInput) slugEdited = slugInput.value.trim() !== "";
  if (event.target === titleInput && !slugEdited) slugInput.value = slugify(titleInput.value);
  saveDraft();
});

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!slugInput.value.trim()) slugInput.value = slugify(titleInput.value);
  const found = check();
  if (found.length) {
    output.hidden = true;
    showProblems(found);
    status.textContent = "";
    return;
  }
  clearProblems();
  status.textContent = "";
  showRecord();
});

document.getElementById("cmp-reset").addEventListener("click", () => {
  if (!window.confirm("Clear every field of the form and the saved draft?")) return;
  window.localStorage.removeItem(DRAFT_KEY);
  form.reset();
  for (const list of form.querySelectorAll('[data-kind="list"]')) {
    list.querySelector(":scope > ol").replaceChildren();
  }
  slugEdited = false;
  restoreDraft();
  renderChosen();
  clearProblems();
  output.hidden = true;
  status.textContent = "The form is empty again.";
  titleInput.focus();
});

document.getElementById("cmp-copy").addEventListener("click", async () => {
  try {
    await navigator.clipboard.writeText(record);
    outputStatus.textContent = "The record is copied.";
  } catch {
    // Clipboard access can be refused; selecting the text lets the user copy it.
    window.getSelection().selectAllChildren(recordView);
    outputStatus.textContent = "Copying was refused by the browser; the record is selected, so press Ctrl+C (or ⌘C).";
  }
});

document.getElementById("cmp-download").addEventListener("click", () => {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([record], { type: "text/markdown;charset=utf-8" }));
  link.download = fileName();
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(link.href);
  outputStatus.textContent = `Downloaded ${fileName()}.`;
});

restoreDraft();
if (!status.textContent.startsWith("Your draft")) status.textContent = "";
