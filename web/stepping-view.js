// The stepping view: a recorded run (the core's trace report, docs/trace-report.schema.json)
// shown one step at a time. Controls (first, back, forward, last, a slider, Left/Right and
// Home/End keys, play at a chosen speed) move between steps; each step draws its frames as
// boxes of named slots with their bytes (the module's globals first, as Python Tutor draws
// them), what the step allocated, freed and changed, a memory-over-time chart where a click
// jumps to a step, and the memory-by-line table with the step's line marked. Every number
// comes from the report: nothing is computed here but positions on the chart.
//
//   const stepper = createStepper(elements, { onStep: (step, previous, report) => ... });
//   stepper.show(report, { at: 0 });  // then the controls move it; stepper.go(12) too
//   stepper.hide();

const number = new Intl.NumberFormat("en");
const SVG = "http://www.w3.org/2000/svg";
/** Steps per second the play button can go at. */
export const PLAY_SPEEDS = [1, 2, 5, 10, 25];
/** Variables drawn on the chart one by one, the largest first; the rest are in the total. */
const CHART_VARIABLES = 3;

/** A byte count as the page writes it everywhere: "1,234 B". */
function bytes(n) {
  return `${number.format(n)} B`;
}

function element(tag, className = "", text = "") {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text) e.textContent = text;
  return e;
}

/** A change's sign: "+16 B", "−16 B", "0 B". */
function signed(n) {
  if (n > 0) return `+${bytes(n)}`;
  if (n < 0) return `−${bytes(-n)}`;
  return bytes(0);
}

const STATUS_TEXT = { new: "new at this step", changed: "changed at this step", same: "" };

/**
 * One frame's box: its function and line, its deep size, and a row per local slot (name,
 * type, shallow, deep); names gone since the step before stay one step, struck through.
 */
function frameBox(frame, index, before) {
  const box = element("section", "bw-frame");
  box.dataset.function = frame.function;
  const title = element("h3", "bw-frame-title");
  // Spaces between the parts, so that a screen reader does not run them together.
  title.append(
    element("span", "bw-frame-name", index === 0 ? "Global frame" : `${frame.function}()`),
    " ",
    element("span", "bw-frame-line", frame.line === null ? "" : `line ${frame.line}`),
    " ",
    element("span", "bw-frame-deep", `${bytes(frame.deep)} · ${number.format(frame.objects)} objects`),
  );
  box.append(title);
  const table = element("table", "bw-frame-slots");
  const head = table.createTHead().insertRow();
  for (const [text, numeric] of [
    ["Name", false],
    ["Type", false],
    ["Shallow", true],
    ["Deep", true],
  ]) {
    const th = element("th", numeric ? "bw-num" : "", text);
    th.scope = "col";
    head.append(th);
  }
  const body = table.createTBody();
  for (const v of frame.variables) {
    const row = body.insertRow();
    row.dataset.name = v.name;
    row.dataset.status = v.status;
    if (STATUS_TEXT[v.status]) row.title = STATUS_TEXT[v.status];
    const name = element("th", "bw-slot-name", v.name);
    name.scope = "row";
    row.append(name, element("td", "bw-slot-type", v.type));
    row.append(element("td", "bw-num", number.format(v.shallow)));
    const deep = element("td", "bw-num", v.deep === null ? "—" : number.format(v.deep));
    if (!v.counted) deep.title = "not followed: the policy leaves this kind of object out (a module, a class)";
    row.append(deep);
  }
  const names = new Set(frame.variables.map((v) => v.name));
  for (const v of before?.variables ?? []) {
    if (names.has(v.name)) continue;
    const row = body.insertRow();
    row.dataset.name = v.name;
    row.dataset.status = "gone";
    row.title = "no longer bound at this step (del, or the name went out of scope)";
    const name = element("th", "bw-slot-name", v.name);
    name.scope = "row";
    row.append(
      name,
      element("td", "bw-slot-type", "unbound"),
      element("td", "bw-num", ""),
      element("td", "bw-num", ""),
    );
  }
  if (body.rows.length === 0) {
    const row = body.insertRow();
    const td = element("td", "bw-empty", "no variables yet");
    td.colSpan = 4;
    row.append(td);
  }
  box.append(table);
  return box;
}

/** The frame of the step before that is the same call as `frame` (same depth and function). */
function frameBefore(previous, frame, depth) {
  const f = previous?.frames[depth];
  return f && f.function === frame.function ? f : null;
}

/** What the step changed, in one line: allocated, freed, grew, shrank. */
function changesText(step) {
  const c = step.changes;
  const parts = [];
  if (c.appeared.objects) parts.push(`${number.format(c.appeared.objects)} new (${signed(c.appeared.bytes)})`);
  if (c.freed.objects) parts.push(`${number.format(c.freed.objects)} freed (${signed(-c.freed.bytes)})`);
  if (c.grew.objects) parts.push(`${number.format(c.grew.objects)} grew (${signed(c.grew.bytes)})`);
  if (c.shrank.objects) parts.push(`${number.format(c.shrank.objects)} shrank (${signed(-c.shrank.bytes)})`);
  return parts.length ? `Objects: ${parts.join(", ")}` : "Objects: no change";
}

/**
 * The series the chart draws: the total of the program's objects, tracemalloc's current
 * (where recorded), and the largest globals one by one.
 */
function chartSeries(report) {
  const steps = report.steps;
  const series = [{ name: "all objects", kind: "total", values: steps.map((s) => s.total.deep) }];
  if (steps.some((s) => s.traced_current !== null)) {
    series.push({ name: "tracemalloc current", kind: "traced", values: steps.map((s) => s.traced_current) });
  }
  const largest = new Map();
  for (const s of steps) {
    for (const v of s.frames[0]?.variables ?? []) largest.set(v.name, Math.max(largest.get(v.name) ?? 0, v.deep ?? 0));
  }
  const names = [...largest.entries()]
    .filter(([, deep]) => deep > 0)
    .sort((a, b) => b[1] - a[1])
    .slice(0, CHART_VARIABLES)
    .map(([name]) => name);
  for (const [i, name] of names.entries()) {
    const values = steps.map((s) => s.frames[0]?.variables.find((v) => v.name === name)?.deep ?? null);
    series.push({ name, kind: `variable-${i}`, values });
  }
  return series;
}

/**
 * @param {{ section: HTMLElement, first: HTMLButtonElement, back: HTMLButtonElement,
 *           forward: HTMLButtonElement, last: HTMLButtonElement, slider: HTMLInputElement,
 *           play: HTMLButtonElement, speed: HTMLSelectElement, position: HTMLElement,
 *           notice: HTMLElement, changes: HTMLElement, frames: HTMLElement,
 *           chart: SVGSVGElement, legend: HTMLElement, lines: HTMLTableElement }} ui
 * @param {{ onStep: (step: object, previous: object | null, report: object) => void }} hooks
 */
export function createStepper(ui, { onStep }) {
  let report = null;
  let index = 0;
  let timer = 0;
  let marker = null;
  let width = 600;

  for (const speed of PLAY_SPEEDS) {
    const option = element("option", "", `${speed} steps/s`);
    option.value = String(speed);
    ui.speed.append(option);
  }
  ui.speed.value = "2";

  function stopPlaying() {
    if (!timer) return;
    clearInterval(timer);
    timer = 0;
    ui.play.textContent = "Play";
    ui.play.setAttribute("aria-pressed", "false");
    ui.position.setAttribute("aria-live", "polite");
  }

  function play() {
    if (timer) return stopPlaying();
    if (!report) return;
    if (index >= report.steps.length - 1) go(0);
    ui.play.textContent = "Pause";
    ui.play.setAttribute("aria-pressed", "true");
    // Playing, the step changes several times a second: not announced each time.
    ui.position.setAttribute("aria-live", "off");
    timer = setInterval(
      () => {
        if (!report || index >= report.steps.length - 1) return stopPlaying();
        go(index + 1);
      },
      1000 / Number(ui.speed.value),
    );
  }

  function drawChart() {
    const svg = ui.chart;
    svg.replaceChildren();
    ui.legend.replaceChildren();
    const steps = report.steps;
    width = Math.max(steps.length - 1, 1);
    const series = chartSeries(report);
    // The program's objects share one scale; tracemalloc (every allocation, the
    // interpreter's own for the code included) is usually far larger, so it has its own.
    const topOf = (list) => {
      let top = 1;
      for (const s of list) for (const v of s.values) if (v !== null && v > top) top = v;
      return top;
    };
    const objectsTop = topOf(series.filter((s) => s.kind !== "traced"));
    const tracedTop = topOf(series.filter((s) => s.kind === "traced"));
    svg.setAttribute("viewBox", `0 0 ${width} 100`);
    svg.setAttribute("preserveAspectRatio", "none");
    for (const s of series) {
      const top = s.kind === "traced" ? tracedTop : objectsTop;
      let d = "";
      let pen = false;
      for (const [i, v] of s.values.entries()) {
        if (v === null) {
          pen = false;
          continue;
        }
        d += `${pen ? "L" : "M"}${i} ${(100 - (v / top) * 96).toFixed(2)}`;
        pen = true;
      }
      const path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      path.setAttribute("class", `bw-chart-line bw-chart-${s.kind}`);
      path.setAttribute("vector-effect", "non-scaling-stroke");
      svg.append(path);
      const name = s.kind === "traced" ? `${s.name} (its own scale, top ${bytes(tracedTop)})` : s.name;
      ui.legend.append(element("span", `bw-chart-key bw-chart-${s.kind}`, name));
    }
    ui.legend.append(element("span", "bw-chart-top", `objects' top: ${bytes(objectsTop)}`));
    marker = document.createElementNS(SVG, "line");
    marker.setAttribute("class", "bw-chart-marker");
    marker.setAttribute("y1", "0");
    marker.setAttribute("y2", "100");
    marker.setAttribute("vector-effect", "non-scaling-stroke");
    svg.append(marker);
    svg.setAttribute(
      "aria-label",
      `Memory over ${number.format(steps.length)} steps: the program's objects from ` +
        `${bytes(steps[0].total.deep)} to ${bytes(steps.at(-1).total.deep)}, at most ${bytes(objectsTop)}. ` +
        "The memory-by-line table has the same numbers.",
    );
  }

  function drawLines() {
    const body = ui.lines.tBodies[0];
    body.replaceChildren();
    for (const l of report.lines) {
      const row = body.insertRow();
      row.dataset.line = String(l.line);
      row.title = "Go to the next step at this line (click, or Enter)";
      row.tabIndex = 0;
      row.append(element("td", "bw-num", String(l.line)));
      row.append(element("td", "bw-num", number.format(l.memory_after)));
      row.append(element("td", "bw-num", signed(l.increment).replace(" B", "")));
      row.append(element("td", "bw-num", l.traced_after === null ? "—" : number.format(l.traced_after)));
      row.append(element("td", "bw-num", number.format(l.occurrences)));
      const code = element("td", "bw-line-code");
      code.append(element("code", "", l.text));
      row.append(code);
    }
    if (report.lines.length === 0) {
      const row = body.insertRow();
      const td = element("td", "bw-empty", "no line of the program ran");
      td.colSpan = 6;
      row.append(td);
    }
  }

  /**
   * Shows a trace report, at step `at`.
   * @param {object} next the trace report
   * @param {{ at?: number, notes?: string[] }} [how] notes: the page's own, with the report's
   */
  function show(next, { at = 0, notes: pageNotes = [] } = {}) {
    stopPlaying();
    report = next;
    ui.section.hidden = false;
    const count = report.steps.length;
    ui.slider.min = "0";
    ui.slider.max = String(Math.max(count - 1, 0));
    const notes = [];
    if (report.truncated) {
      notes.push(
        `Stopped recording after ${number.format(report.step_cap)} steps; the program ran on to its end ` +
          "(the step cap is an option).",
      );
    }
    for (const d of report.diagnostics) notes.push(d.message);
    notes.push(...pageNotes);
    ui.notice.textContent = notes.join(" ");
    ui.notice.hidden = notes.length === 0;
    if (count === 0) {
      ui.position.textContent = "No step was recorded.";
      ui.frames.replaceChildren();
      ui.changes.textContent = "";
      ui.chart.replaceChildren();
      ui.legend.replaceChildren();
      drawLines();
      for (const b of [ui.first, ui.back, ui.forward, ui.last, ui.play, ui.slider]) b.disabled = true;
      return;
    }
    for (const b of [ui.first, ui.back, ui.forward, ui.last, ui.play, ui.slider]) b.disabled = false;
    drawChart();
    drawLines();
    go(Math.min(Math.max(Math.trunc(at) || 0, 0), count - 1));
  }

  /** Shows step `i` (clamped to the recorded steps). */
  function go(i) {
    if (!report || report.steps.length === 0) return;
    index = Math.min(Math.max(i, 0), report.steps.length - 1);
    const step = report.steps[index];
    const previous = index > 0 ? report.steps[index - 1] : null;
    const last = report.steps.length - 1;
    ui.slider.value = String(index);
    ui.slider.setAttribute("aria-valuetext", `Step ${number.format(index + 1)} of ${number.format(last + 1)}`);
    ui.first.disabled = ui.back.disabled = index === 0;
    ui.forward.disabled = ui.last.disabled = index === last;
    const where = step.line === null ? "the program has ended" : `line ${step.line} runs next`;
    ui.position.textContent = `Step ${number.format(index + 1)} of ${number.format(last + 1)}: ${where}`;
    const memory = `${bytes(step.total.deep)} in ${number.format(step.total.objects)} objects`;
    const traced = step.traced_current === null ? "" : `; tracemalloc ${bytes(step.traced_current)}`;
    ui.changes.textContent = `${changesText(step)}. Memory: ${memory}${traced}.${step.complete ? "" : " Not every object of this step could be captured."}`;
    ui.frames.replaceChildren(...step.frames.map((f, depth) => frameBox(f, depth, frameBefore(previous, f, depth))));
    if (marker) {
      marker.setAttribute("x1", String(index));
      marker.setAttribute("x2", String(index));
    }
    for (const row of ui.lines.tBodies[0].rows) {
      row.classList.toggle("bw-line-current", step.line !== null && row.dataset.line === String(step.line));
    }
    onStep(step, previous, report);
  }

  /** The first step after the current one (wrapping around) at `line`. */
  function nextAtLine(line) {
    const steps = report.steps;
    for (let k = 1; k <= steps.length; ++k) {
      const j = (index + k) % steps.length;
      if (steps[j].line === line) return j;
    }
    return index;
  }

  ui.first.addEventListener("click", () => (stopPlaying(), go(0)));
  ui.back.addEventListener("click", () => (stopPlaying(), go(index - 1)));
  ui.forward.addEventListener("click", () => (stopPlaying(), go(index + 1)));
  ui.last.addEventListener("click", () => (stopPlaying(), go(Infinity)));
  ui.slider.addEventListener("input", () => (stopPlaying(), go(Number(ui.slider.value))));
  ui.play.addEventListener("click", play);
  ui.speed.addEventListener("change", () => {
    if (timer) (stopPlaying(), play());
  });
  ui.chart.addEventListener("click", (event) => {
    if (!report || report.steps.length === 0) return;
    const box = ui.chart.getBoundingClientRect();
    const x = (event.clientX - box.left) / Math.max(box.width, 1);
    stopPlaying();
    go(Math.round(x * width));
  });
  const toLine = (event) => {
    const row = event.target.closest("tr[data-line]");
    if (!row || !report) return;
    stopPlaying();
    go(nextAtLine(Number(row.dataset.line)));
  };
  ui.lines.addEventListener("click", toLine);
  ui.lines.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" && event.key !== " ") return;
    event.preventDefault();
    toLine(event);
  });
  ui.section.addEventListener("keydown", (event) => {
    if (event.target === ui.speed) return;
    const moves = { ArrowLeft: index - 1, ArrowRight: index + 1, Home: 0, End: Infinity };
    if (!(event.key in moves) || event.altKey || event.ctrlKey || event.metaKey) return;
    // The slider moves itself on these keys; the same step either way.
    event.preventDefault();
    stopPlaying();
    go(moves[event.key]);
  });

  return {
    show,
    go,
    hide() {
      stopPlaying();
      report = null;
      ui.section.hidden = true;
    },
    get index() {
      return index;
    },
    get report() {
      return report;
    },
    /** Moves by `delta` steps (the page's Left/Right keys outside the view). */
    move(delta) {
      stopPlaying();
      go(index + delta);
    },
  };
}
