// The page's layout at every width: the draggable split between the code and the diagram,
// the button that hides the code, and numbers tables that turn into cards where their
// columns would not fit (styles.css draws both forms). Nothing here scrolls sideways.
//
//   const layout = setupLayout({ storage: localStorage });
//   layout.fitTables();   // after a table's rows changed

const CODE_WIDTH_KEY = "bytewise.codeWidth";
const MIN_PERCENT = 20;
const MAX_PERCENT = 75;
const DEFAULT_PERCENT = 40;

/**
 * Adds or removes `bw-stacked` on `table` so that it fits its container's width: a table
 * wider than its place shows each row as a card instead of cutting off columns.
 * @param {HTMLTableElement} table
 */
export function fitTable(table) {
  const place = table.parentElement;
  if (!place || place.clientWidth === 0) return;
  table.classList.remove("bw-stacked");
  if (table.offsetWidth > place.clientWidth + 0.5) table.classList.add("bw-stacked");
}

function clampPercent(value) {
  return Math.min(MAX_PERCENT, Math.max(MIN_PERCENT, value));
}

/**
 * @param {{ storage: { getItem(k: string): string | null, setItem(k: string, v: string): void },
 *   tables?: HTMLTableElement[] }} options tables: the numbers tables to keep fitted
 * @returns {{ fitTables: () => void, codeWidth: () => number, setCodeWidth: (percent: number) => void,
 *   codeHidden: () => boolean, setCodeHidden: (hidden: boolean) => void }}
 */
export function setupLayout({ storage, tables = [] }) {
  const main = /** @type {HTMLElement} */ (document.getElementById("bw-main"));
  const splitter = /** @type {HTMLElement} */ (document.getElementById("bw-splitter"));
  const toggle = /** @type {HTMLButtonElement} */ (document.getElementById("bw-code-toggle"));
  let percent = DEFAULT_PERCENT;

  function setCodeWidth(value, remember = true) {
    percent = clampPercent(Math.round(value * 10) / 10);
    main.style.setProperty("--bw-code-width", `${percent}%`);
    splitter.setAttribute("aria-valuenow", String(Math.round(percent)));
    if (remember) {
      try {
        storage.setItem(CODE_WIDTH_KEY, String(percent));
      } catch {
        // Storage can be full or disabled; the split still moves.
      }
    }
  }
  let saved = null;
  try {
    saved = Number.parseFloat(storage.getItem(CODE_WIDTH_KEY) ?? "");
  } catch {
    // No storage: the default split.
  }
  setCodeWidth(Number.isFinite(saved) ? saved : DEFAULT_PERCENT, false);

  // Dragging: the splitter's centre follows the pointer, as a share of the main area's
  // content width (what the grid's percentage is of).
  splitter.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault();
    splitter.setPointerCapture(event.pointerId);
    splitter.classList.add("bw-dragging");
    const move = (e) => {
      const box = main.getBoundingClientRect();
      const style = getComputedStyle(main);
      const left = box.left + Number.parseFloat(style.paddingLeft);
      const width = box.width - Number.parseFloat(style.paddingLeft) - Number.parseFloat(style.paddingRight);
      if (width > 0) setCodeWidth(((e.clientX - left - splitter.offsetWidth / 2) / width) * 100);
    };
    const up = () => {
      splitter.classList.remove("bw-dragging");
      splitter.removeEventListener("pointermove", move);
      splitter.removeEventListener("pointerup", up);
      splitter.removeEventListener("pointercancel", up);
    };
    splitter.addEventListener("pointermove", move);
    splitter.addEventListener("pointerup", up);
    splitter.addEventListener("pointercancel", up);
  });
  splitter.addEventListener("keydown", (event) => {
    const step = event.shiftKey ? 10 : 2;
    const next = {
      ArrowLeft: percent - step,
      ArrowRight: percent + step,
      Home: MIN_PERCENT,
      End: MAX_PERCENT,
    }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    setCodeWidth(next);
  });
  splitter.addEventListener("dblclick", () => setCodeWidth(DEFAULT_PERCENT));

  function setCodeHidden(hidden) {
    document.body.classList.toggle("bw-code-hidden", hidden);
    toggle.setAttribute("aria-expanded", String(!hidden));
    toggle.textContent = hidden ? "Show code" : "Hide code";
  }
  toggle.addEventListener("click", () => setCodeHidden(!document.body.classList.contains("bw-code-hidden")));

  // Tables: fitted again when their place changes width (never on a change of height alone,
  // which fitting itself causes).
  const widths = new Map();
  const fitTables = () => tables.forEach(fitTable);
  const observer = new ResizeObserver((entries) => {
    for (const entry of entries) {
      const width = Math.round(entry.contentRect.width);
      if (widths.get(entry.target) === width) continue;
      widths.set(entry.target, width);
      for (const table of tables) if (table.parentElement === entry.target) fitTable(table);
    }
  });
  for (const table of tables) if (table.parentElement) observer.observe(table.parentElement);
  fitTables();

  return {
    fitTables,
    codeWidth: () => percent,
    setCodeWidth,
    codeHidden: () => document.body.classList.contains("bw-code-hidden"),
    setCodeHidden,
  };
}
