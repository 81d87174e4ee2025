// The sizes table: the accessible twin of the canvas. Text only (never HTML from data).

const number = new Intl.NumberFormat("en");

function cell(row, text, className) {
  const td = document.createElement("td");
  td.textContent = text;
  if (className) td.className = className;
  row.append(td);
  return td;
}

/** A predicted size for the "there" columns: ≈ marks an assumption, — not modelled. */
function predictedCell(row, bytes, { status, rule, unmodelled = 0, assumed = 0 }) {
  let text;
  let title = rule ?? "";
  if (bytes === null) {
    text = "—";
    title = unmodelled > 0 ? `${number.format(unmodelled)} of its objects are not modelled` : `not modelled: ${rule}`;
  } else {
    const approximate = status === "assumed" || assumed > 0;
    text = `${approximate ? "≈ " : ""}${number.format(bytes)}`;
    if (assumed > 0) title = `${number.format(assumed)} of its objects sized on an assumption`;
  }
  const td = cell(row, text, bytes === null ? "bw-num bw-there bw-unknown" : "bw-num bw-there");
  if (title) td.title = title;
  return td;
}

/** Bytes the allocator reserved (deep), with its blocks and the compared platform's figure
 * in the title. */
function allocatedCell(row, root) {
  const here = root.allocated;
  if (!here) return cell(row, "", "bw-num");
  const there = root.predicted?.allocated ?? null;
  const bytes = here.deep;
  const td = cell(
    row,
    bytes === null ? "—" : `${here.assumed_objects > 0 ? "≈ " : ""}${number.format(bytes)}`,
    bytes === null ? "bw-num bw-unknown" : "bw-num",
  );
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
  for (const th of table.tHead.querySelectorAll("th.bw-there")) {
    th.hidden = !comparing;
    if (comparing) {
      // Two lines at most: "on 64-bit" over "3.12" (no break inside "on 64-bit").
      th.textContent = `on\u00a0${report.compared_with.short.replace("-", "\u2011")}`;
      th.title = `${th.dataset.compare === "deep" ? "Deep" : "Shallow"} size predicted for ${report.compared_with.description}`;
    }
  }
  body.replaceChildren();
  foot.replaceChildren();
  const columns = comparing ? 10 : 8;
  if (report.roots.length === 0) {
    const row = body.insertRow();
    const td = cell(row, "The program defined no variables.", "bw-empty");
    td.colSpan = columns;
    return;
  }
  for (const root of report.roots) {
    const row = body.insertRow();
    row.dataset.name = root.name;
    const name = document.createElement("th");
    name.scope = "row";
    name.textContent = root.name;
    row.append(name);
    cell(row, root.type, "bw-type");
    cell(row, number.format(root.shallow), "bw-num").dataset.field = "shallow";
    if (comparing) {
      predictedCell(row, root.predicted.shallow, root.predicted).dataset.field = "predicted-shallow";
    }
    cell(row, number.format(root.deep), "bw-num").dataset.field = "deep";
    if (comparing) {
      predictedCell(row, root.predicted.deep, {
        status: "exact",
        rule: root.predicted.rule,
        unmodelled: root.predicted.unmodelled_objects,
        assumed: root.predicted.assumed_objects,
      }).dataset.field = "predicted-deep";
    }
    allocatedCell(row, root).dataset.field = "allocated";
    cell(row, number.format(root.naive), "bw-num").dataset.field = "naive";
    cell(row, root.retained === null ? "" : number.format(root.retained), "bw-num").dataset.field = "retained";
    cell(row, number.format(root.objects), "bw-num").dataset.field = "objects";
  }
  const row = foot.insertRow();
  const label = document.createElement("th");
  label.scope = "row";
  label.colSpan = comparing ? 4 : 3;
  label.textContent = "All variables together (shared objects counted once)";
  row.append(label);
  cell(row, number.format(report.total.deep), "bw-num").dataset.field = "deep";
  if (comparing) {
    const td = cell(
      row,
      report.total.predicted_deep === null ? "—" : number.format(report.total.predicted_deep),
      "bw-num bw-there",
    );
    td.dataset.field = "predicted-deep";
  }
  const allocated = report.total.allocated_deep;
  cell(row, allocated === null ? "" : number.format(allocated), "bw-num").dataset.field = "allocated";
  cell(row, number.format(report.total.naive), "bw-num").dataset.field = "naive";
  cell(row, "", "bw-num");
  cell(row, number.format(report.total.objects), "bw-num").dataset.field = "objects";
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
    cell(row, String(line.line), "bw-num");
    cell(row, line.text, "bw-code");
    cell(row, number.format(line.bytes), "bw-num");
    cell(row, number.format(line.blocks), "bw-num");
  }
  const regions = section.querySelector("#bw-trace-regions");
  regions.replaceChildren();
  for (const r of trace.regions) {
    const item = document.createElement("li");
    item.textContent = `region "${r.label}" (line ${r.line}): ${r.change >= 0 ? "+" : ""}${number.format(r.change)} bytes kept, peak ${number.format(r.peak)} bytes above its start`;
    regions.append(item);
  }
}
