// Rules across a record's fields, as scripts/compendium/records/rules.py declares them: the page
// hands over the declarations (the schema's x-rules) and this evaluates them as the validator does,
// on the record with its empty values left out, with the same small subset of JSON Schema and the
// project's three keywords of its own, x-compare, x-member-of and x-differ (documented at KEYWORDS in
// rules.py), and names in messages the places a rule's `places` find (Rule.places there).

export function pruned(value) {
  if (Array.isArray(value)) return value.map(pruned).filter((item) => !empty(item));
  if (value && typeof value === "object") {
    const out = {};
    for (const [name, item] of Object.entries(value)) {
      const kept = pruned(item);
      if (!empty(kept)) out[name] = kept;
    }
    return out;
  }
  return value;
}

function empty(value) {
  if (value === null || value === undefined || value === "") return true;
  if (Array.isArray(value)) return value.length === 0;
  return typeof value === "object" && Object.keys(value).length === 0;
}

function isObject(value) {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function holds(schema, value, record) {
  if ("const" in schema && value !== schema.const) return false;
  if ("enum" in schema && !schema.enum.includes(value)) return false;
  if ("type" in schema && !isType(value, schema.type)) return false;
  if (isObject(value)) {
    if ((schema.required || []).some((name) => !(name in value))) return false;
    for (const [name, sub] of Object.entries(schema.properties || {})) {
      if (name in value && !holds(sub, value[name], record)) return false;
    }
  }
  if ("not" in schema && holds(schema.not, value, record)) return false;
  if ("anyOf" in schema && !schema.anyOf.some((sub) => holds(sub, value, record))) return false;
  if ((schema.allOf || []).some((sub) => !holds(sub, value, record))) return false;
  if ("if" in schema && holds(schema.if, value, record) && !holds(schema.then || {}, value, record)) return false;
  if ("contains" in schema && Array.isArray(value) && !value.some((item) => holds(schema.contains, item, record))) return false;
  if ("x-compare" in schema && below(schema["x-compare"], value)) return false;
  if ("x-member-of" in schema && !member(value, schema["x-member-of"], record)) return false;
  if ("x-differ" in schema && sameName(schema["x-differ"], value)) return false;
  return true;
}

// type: one of JSON's seven types, as Python's evaluator reads them (true is not a number).
const TYPES = {
  string: (value) => typeof value === "string",
  array: (value) => Array.isArray(value),
  object: isObject,
  boolean: (value) => typeof value === "boolean",
  null: (value) => value === null,
  integer: (value) => Number.isInteger(value),
  number: (value) => typeof value === "number",
};

function isType(value, kind) {
  if (!(kind in TYPES)) throw new Error(`rules name one of the types ${Object.keys(TYPES).join(", ")}; this one names ${kind}`);
  return TYPES[kind](value);
}

// x-member-of: whether a name is one of the names at a path of the whole record, case and spacing aside
// (as Python's casefold: upper then lower case folds ß to ss as it does).
function member(value, path, record) {
  const name = asName(value);
  if (name === null) return true;
  const listed = new Set();
  for (const [, text] of items(record, path)) listed.add(asName(text));
  return listed.has(name);
}

// x-differ: whether the item gives each of the fields as the same name (what the keyword refuses).
function sameName(fields, item) {
  if (!isObject(item)) return false;
  const names = fields.map((name) => asName(item[name]));
  return !names.includes(null) && new Set(names).size === 1;
}

// A name as names are compared, or null for what is not a name (a name field takes digits: 2020).
function asName(value) {
  if (typeof value === "number" && Number.isInteger(value)) return nameKey(String(value));
  return typeof value === "string" ? nameKey(value) : null;
}

export function nameKey(name) {
  return name.toUpperCase().toLowerCase().split(/\s+/).filter(Boolean).join(" ");
}

// x-compare (records/rules.py's KEYWORDS): whether the item's `high` is certainly below its `low`, read
// as figures or as partial dates cut to the precision of the less precise; what reads as neither never is.
const FIGURE = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?$/;
const PARTIAL_DATE = /^[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?$/;

function below(compare, item) {
  if (!isObject(item)) return false;
  const low = asText(item[compare.low]);
  const high = asText(item[compare.high]);
  if (low === null || high === null) return false;
  if (compare.as === "decimal") return FIGURE.test(low) && FIGURE.test(high) && decimalBelow(high, low);
  if (!PARTIAL_DATE.test(low) || !PARTIAL_DATE.test(high)) return false;
  const size = Math.min(low.length, high.length);
  return high.slice(0, size) < low.slice(0, size);
}

function asText(value) {
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  return typeof value === "string" ? value : null;
}

// a < b for two figures as written, exactly (no floating point): sign, then whole part, then fraction.
function decimalBelow(a, b) {
  const negA = a.startsWith("-");
  const negB = b.startsWith("-");
  const [wholeA, fracA = ""] = a.replace("-", "").split(".");
  const [wholeB, fracB = ""] = b.replace("-", "").split(".");
  const digits = Math.max(fracA.length, fracB.length);
  const keyA = wholeA.padStart(40, "0") + fracA.padEnd(digits, "0");
  const keyB = wholeB.padStart(40, "0") + fracB.padEnd(digits, "0");
  const zeroA = !/[1-9]/.test(keyA);
  const zeroB = !/[1-9]/.test(keyB);
  const signA = zeroA ? 0 : negA ? -1 : 1;
  const signB = zeroB ? 0 : negB ? -1 : 1;
  if (signA !== signB) return signA < signB;
  if (signA === 0) return false;
  return signA > 0 ? keyA < keyB : keyA > keyB;
}

function* items(record, scope, keypath = []) {
  if (!scope.length) {
    yield [keypath, record];
    return;
  }
  const [head, ...rest] = scope;
  if (head === "*") {
    if (Array.isArray(record)) for (const [index, item] of record.entries()) yield* items(item, rest, [...keypath, index]);
  } else if (isObject(record) && head in record) {
    yield* items(record[head], rest, [...keypath, head]);
  }
}

// The rule's message for the item at keypath: `where` writes its place, and its places (from `broken`),
// each with the fields written after it ({where}.part_of is the place of the item's part_of, so a form
// can name the field as it labels it).
export function message(rule, keypath, item, where, places = {}) {
  return rule.message.replace(/\{([a-z_.]+)\}((?:\.[a-z_]+)*)/g, (_, name, fields) => {
    const tail = fields ? fields.slice(1).split(".") : [];
    if (name === "where") return where([...keypath, ...tail]);
    if (name in (rule.places || {})) return where([...(places[name] || []), ...tail]);
    let value = item;
    for (const part of name.split(".")) value = isObject(value) ? value[part] : undefined;
    return String(value) + fields;
  });
}

// Every [keypath, rule, item keypath, item, places] the record breaks: keypath is where the problem is
// (the rule's field of the item), so a form can mark the field and a test can compare with validate;
// places are the keypaths of what the rule's places find, for its message. (The form writes living
// records only, so every rule binds it: binds_frozen_texts is for published texts.)
export function broken(rules, record) {
  const data = pruned(record);
  const found = [];
  for (const rule of rules) {
    for (const [keypath, item] of items(data, rule.scope)) {
      if (!holds(rule.schema, item, data)) {
        found.push([[...keypath, ...rule.at], rule, keypath, item, places(rule, keypath, item, data)]);
      }
    }
  }
  return found;
}

function places(rule, keypath, item, record) {
  const found = {};
  for (const [name, { scope, schema }] of Object.entries(rule.places || {})) {
    for (const [place, part] of items(item, scope, keypath)) {
      if (holds(schema, part, record)) {
        found[name] = place;
        break;
      }
    }
  }
  return found;
}

export function written(keypath) {
  // outcomes[2].undated, as validate writes a place in a record.
  return keypath.map((part) => (typeof part === "number" ? `[${part + 1}]` : `.${part}`)).join("").replace(/^\./, "");
}
