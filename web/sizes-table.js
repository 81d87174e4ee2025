// The sizes table: the accessible twin of the canvas, sortable by any column (click its
// header). Text only (never HTML from data). Every cell carries its column's name
// (data-label), which the stacked form of a narrow screen shows beside the value.

const number = new Intl.NumberFormat("en");

// The columns in the header's order: what each sorts by (a row's data-field cell).
const COLUMNS = [
  "name",
  "type",
  "shallow",
  "predicted-shallow",
  "deep",
  "predicted-deep",
  "allocated",
  "naive",
  "retained",
  "objects",
];

function cell(row, text, className, label) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  if (label) td.dataset.label = label;
  row.append(td);
  return td;
}

/**
 * A cell holding a byte count or a count: its value is kept for sorting. `lowerBound`: the
 * reason the number is only a lower bound (marked ≥), or null when it is exact.
 */
function numberCell(row, value, label, field, lowerBound = null) {
  const text = value === null ? "" : `${lowerBound ? "≥ " : ""}${number.format(value)}`;
  const td = cell(row, text, lowerBound ? "bw-num bw-lower" : "bw-num", label);
  td.dataset.field = field;
  if (value !== null) td.dataset.value = String(value);
  if (lowerBound && value !== null) td.title = `at least this: ${lowerBound}`;
  return td;
}

/**
 * Retained bytes: approximate (≈) when the capture was cut anywhere, since objects it did
 * not read may hold what a variable seems to own, or be owned by it.
 */
function retainedCell(row, value, cut) {
  const td = numberCell(row, value, "Retained", "retained");
  if (cut && value !== null) {
    td.textContent = `≈ ${number.format(value)}`;
    td.title = `approximate: ${cut}`;
  }
  return td;
}

/** Why a report's sizes marked ≥ are lower bounds (report.roots[].lower_bound). */
function lowerBoundReason(report) {
  const probeStopped = report.diagnostics.find((d) => d.code === "probe.object_cap");
  if (report.truncated && probeStopped) return probeStopped.message;
  if (report.truncated) {
    return `the capture stopped at ${number.format(report.object_cap)} objects (the object cap, an option, shared between the variables)`;
  }
  return "the capture did not read every reference of an object it reaches (see the notes)";
}

/** The reason for one variable's ≥, with how much of it the object cap left out. */
function rootLowerBoundReason(root, cut) {
  if (!root.lower_bound) return null;
  if (!(root.unreached > 0)) return cut;
  return `${cut}: at least ${number.format(root.unreached)} objects it leads to were left out`;
}

/** A predicted size for the "there" columns: ≈ marks an assumption, — not modelled. */
function predictedCell(row, bytes, { status, rule, unmodelled = 0, assumed = 0, lowerBound = null }) {
  let text;
  let title = rule ?? "";
  if (bytes === null) {
    text = "—";
    title = unmodelled > 0 ? `${number.format(unmodelled)} of its objects are not modelled` : `not modelled: ${rule}`;
  } else {
    const approximate = status === "assumed" || assumed > 0;
    text = `${lowerBound ? "≥ " : ""}${approximate ? "≈ " : ""}${number.format(bytes)}`;
    if (assumed > 0) title = `${number.format(assumed)} of its objects sized on an assumption`;
    if (lowerBound) title = [`at least this: ${lowerBound}`, title].filter(Boolean).join("; ");
  }
  const td = cell(row, text, bytes === null ? "bw-num bw-there bw-unknown" : "bw-num bw-there");
  if (title) td.title = title;
  if (bytes !== null) td.dataset.value = String(bytes);
  return td;
}

/** Bytes the allocator reserved (deep), with its blocks and the compared platform's figure
 * in the title. */
function allocatedCell(row, root, lowerBound = null) {
  const here = root.allocated;
  if (!here) return cell(row, "", "bw-num", "Allocated");
  const there = root.predicted?.allocated ?? null;
  const bytes = here.deep;
  const td = cell(
    row,
    bytes === null ? "—" : `${lowerBound ? "≥ " : ""}${here.assumed_objects > 0 ? "≈ " : ""}${number.format(bytes)}`,
    bytes === null ? "bw-num bw-unknown" : "bw-num",
    "Allocated",
  );
  if (bytes !== null) td.dataset.value = String(bytes);
  const lines = [];
  if (here.static) {
    lines.push(`${root.name}: ${here.rule}`);
  } else if (here.shallow !== null) {
    const blocks = here.blocks.map((b) => `${b.role} ${number.format(b.requested)} → ${number.format(b.reserved)}`);
    lines.push(`${root.name} itself: ${blocks.join(", ")} (${here.allocator})`);
  } else {
    lines.push(`${root.name} itself: not modelled (${here.rule})`);
  }
  if (here.unmodelled_objects > 0)
    lines.push(`${number.format(here.unmodelled_objects)} of its objects are not modelled`);
  if (here.assumed_objects > 0)
    lines.push(`≈: ${number.format(here.assumed_objects)} of its objects sized on an assumption`);
  if (there) {
    lines.push(
      there.deep === null
        ? `on ${there.platform}: not modelled for every object`
        : `on ${there.platform} (${there.allocator}): ${there.assumed_objects > 0 ? "≈ " : ""}${number.format(there.deep)}`,
    );
  }
  if (lowerBound) lines.unshift(`at least this: ${lowerBound}`);
  td.title = lines.join("\n");
  return td;
}

/**
 * Fills the table from a measurement report (docs/measure-report.schema.json): sizes
 * here, and, where the report compares, the predicted sizes on that platform.
 * @param {HTMLTableElement} table with a <thead>, <tbody> and <tfoot>
 * @param {object} report
 */
export function renderSizes(table, report) {
  const body = table.tBodies[0];
  const foot = table.tFoot;
  const comparing = report.compared_with !== null;
  const there = comparing ? report.compared_with.short : "";
  for (const th of table.tHead.querySelectorAll("th.bw-there")) {
    th.hidden = !comparing;
    if (comparing) {
      // Two lines at most: "on 64-bit" over "3.12" (no break inside "on 64-bit").
      th.textContent = `on\u00a0${there.replace("-", "\u2011")}`;
      th.title = `${th.dataset.compare === "deep" ? "Deep" : "Shallow"} size predicted for ${report.compared_with.description}`;
    }
  }
  makeSortable(table);
  body.replaceChildren();
  foot.replaceChildren();
  const columns = comparing ? 10 : 8;
  if (report.roots.length === 0) {
    const row = body.insertRow();
    const td = cell(row, "The program defined no variables.", "bw-empty");
    td.colSpan = columns;
    return;
  }
  // Why the numbers a cut capture touched are not exact (null: nothing was cut).
  const cut = report.total.lower_bound ? lowerBoundReason(report) : null;
  for (const root of report.roots) {
    const row = body.insertRow();
    row.dataset.name = root.name;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = root.name;
    row.append(name);
    cell(row, root.type, "bw-type", "Type").dataset.field = "type";
    numberCell(row, root.shallow, "Shallow", "shallow");
    if (comparing) {
      const td = predictedCell(row, root.predicted.shallow, root.predicted);
      td.dataset.field = "predicted-shallow";
      td.dataset.label = `Shallow on ${there}`;
    }
    const lower = rootLowerBoundReason(root, cut);
    numberCell(row, root.deep, "Deep", "deep", lower);
    if (comparing) {
      const td = predictedCell(row, root.predicted.deep, {
        status: "exact",
        rule: root.predicted.rule,
        unmodelled: root.predicted.unmodelled_objects,
        assumed: root.predicted.assumed_objects,
        lowerBound: lower,
      });
      td.dataset.field = "predicted-deep";
      td.dataset.label = `Deep on ${there}`;
    }
    allocatedCell(row, root, lower).dataset.field = "allocated";
    numberCell(row, root.naive, "Naive", "naive", lower);
    retainedCell(row, root.retained, cut);
    numberCell(row, root.objects, "Objects", "objects", lower);
  }
  sortRows(table);
  const row = foot.insertRow();
  const label = document.createElement("th");
  label.scope = "row";
  label.colSpan = comparing ? 4 : 3;
  label.textContent = "All variables together (shared objects counted once)";
  row.append(label);
  numberCell(row, report.total.deep, "Deep", "deep", cut);
  if (comparing) {
    const td = cell(
      row,
      report.total.predicted_deep === null ? "—" : `${cut ? "≥ " : ""}${number.format(report.total.predicted_deep)}`,
      "bw-num bw-there",
      `Deep on ${there}`,
    );
    td.dataset.field = "predicted-deep";
  }
  numberCell(row, report.total.allocated_deep, "Allocated", "allocated", cut);
  numberCell(row, report.total.naive, "Naive", "naive", cut);
  cell(row, "", "bw-num");
  numberCell(row, report.total.objects, "Objects", "objects", cut);
}

/** Puts a sort button in each header cell (again after a header's text was replaced). */
function makeSortable(table) {
  const headers = [...table.tHead.rows[0].cells];
  headers.forEach((th, i) => {
    th.dataset.sort = COLUMNS[i];
    if (th.querySelector(".bw-sort")) return;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "bw-sort";
    button.textContent = th.textContent;
    th.replaceChildren(button);
    button.addEventListener("click", () => {
      const field = th.dataset.sort;
      const numeric = field !== "name" && field !== "type";
      // Numbers sort biggest first, names from A; a second click turns the order round.
      const first = numeric ? "descending" : "ascending";
      const order = table.dataset.sortField === field && table.dataset.sortOrder === first ? flip(first) : first;
      table.dataset.sortField = field;
      table.dataset.sortOrder = order;
      sortRows(table);
    });
  });
}

function flip(order) {
  return order === "ascending" ? "descending" : "ascending";
}

/** Orders the body's rows by the chosen column (the program's order until one is chosen). */
function sortRows(table) {
  const field = table.dataset.sortField;
  for (const th of table.tHead.rows[0].cells) {
    if (th.dataset.sort === field) th.setAttribute("aria-sort", table.dataset.sortOrder);
    else th.removeAttribute("aria-sort");
  }
  if (!field) return;
  const body = table.tBodies[0];
  const rows = [...body.rows].filter((r) => r.dataset.name !== undefined);
  const sign = table.dataset.sortOrder === "ascending" ? 1 : -1;
  const key = (row) => {
    if (field === "name") return row.dataset.name;
    const td = row.querySelector(`[data-field="${field}"]`);
    if (field === "type") return td?.textContent ?? "";
    return td?.dataset.value === undefined ? null : Number(td.dataset.value);
  };
  rows.sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === y ? 0 : x === null ? 1 : -1; // unknown last
    return (x < y ? -1 : x > y ? 1 : 0) * sign;
  });
  body.append(...rows);
}

/**
 * Shows the tracemalloc part of a report (or hides the section when there is none).
 * @param {HTMLElement} section #bw-trace
 * @param {object | null} trace report.tracemalloc
 */
export function renderTrace(section, trace) {
  section.hidden = !trace;
  if (!trace) return;
  section.querySelector("#bw-trace-summary").textContent =
    trace.current === null
      ? "Only the regions the program marked were traced (tick \u201cmemory by line\u201d to trace the whole run)."
      : `Still allocated when the program ended: ${number.format(trace.current)} bytes; peak while it ran: ${number.format(trace.peak)} bytes.`;
  const body = section.querySelector("#bw-trace-lines").tBodies[0];
  body.replaceChildren();
  for (const line of trace.top_lines) {
    const row = body.insertRow();
    cell(row, String(line.line), "bw-num", "Line");
    cell(row, line.text, "bw-code", "Code");
    cell(row, number.format(line.bytes), "bw-num", "Bytes");
    cell(row, number.format(line.blocks), "bw-num", "Blocks");
  }
  const regions = section.querySelector("#bw-trace-regions");
  regions.replaceChildren();
  for (const r of trace.regions) {
    const item = document.createElement("li");
    item.textContent = `region "${r.label}" (line ${r.line}): ${r.change >= 0 ? "+" : ""}${number.format(r.change)} bytes kept, peak ${number.format(r.peak)} bytes above its start`;
    regions.append(item);
  }
}
