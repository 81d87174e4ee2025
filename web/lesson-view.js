// The lessons panel: the list of lessons with the reader's progress, and one lesson at a
// time, its text, its code (each block opens in the sandbox) and its exercises. An
// exercise's answer is computed by running its code in the page's Python only after the
// reader has committed a prediction; a wrong prediction gets the hint, a second one the
// explanation, each with the numbers just measured.
//
// Lesson Markdown is rendered by markdown-it with raw HTML off (escaped), so a lesson can
// format text but never inject markup; everything else here is set as text.
import MarkdownIt from "markdown-it";
import { checkAnswer, checkedAs, computeAnswer, explain, stopStep } from "./lesson-answers.js";
import { parseLesson } from "./lessons.js";

const PROGRESS_KEY = "bytewise.progress";
const markdown = new MarkdownIt({ html: false, linkify: false });

/** A lesson's id: its file name without folder and extension ("01-getsizeof-is-shallow"). */
export function lessonId(file) {
  return file.replace(/^.*\//, "").replace(/\.md$/, "");
}

function element(tag, props = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(e.dataset, v);
    else if (k in e) e[k] = v;
    else e.setAttribute(k, v);
  }
  e.append(...children.filter((c) => c !== null && c !== undefined));
  return e;
}

/** "2nd", "3rd", "11th": the how-manyth run of a line. */
function ordinal(n) {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : ({ 1: "st", 2: "nd", 3: "rd" }[n % 10] ?? "th");
  return `${n}${suffix}`;
}

function loadProgress(storage) {
  try {
    const value = JSON.parse(storage.getItem(PROGRESS_KEY) ?? "{}");
    return value && typeof value === "object" && !Array.isArray(value) ? value : {};
  } catch {
    return {}; // unreadable progress starts afresh; the lessons still work
  }
}

/**
 * @param {{ root: HTMLElement, sources: Record<string, string>, storage: Storage,
 *           measure: (code: string, options: object) => Promise<object>,
 *           trace: (code: string, options: object) => Promise<object>,
 *           platform: () => string | null, platformName: () => string,
 *           openInSandbox: (code: string) => void,
 *           openSteps: (code: string, at: (report: object) => number) => void,
 *           onChange?: (lessonId: string | null) => void }} options
 *   sources: lesson file name -> text; trace: the trace report of a program (step
 *   exercises); openSteps: the code in the sandbox, stepped through, at the step `at` picks
 */
export function createLessons({
  root,
  sources,
  storage,
  measure,
  trace,
  platform,
  platformName,
  openInSandbox,
  openSteps,
  onChange = () => {},
}) {
  const lessons = [];
  const problems = [];
  for (const [file, text] of Object.entries(sources)) {
    const { lesson, errors } = parseLesson(text, file);
    if (lesson) lessons.push({ id: lessonId(file), ...lesson });
    else problems.push(...errors);
  }
  lessons.sort((a, b) => a.meta.order - b.meta.order);
  let progress = loadProgress(storage);
  let current = null;

  const exercisesOf = (lesson) => lesson.blocks.filter((b) => b.type === "exercise");
  const doneIn = (lesson) => exercisesOf(lesson).filter((e) => progress[lesson.id]?.[e.line]).length;
  const save = () => {
    try {
      storage.setItem(PROGRESS_KEY, JSON.stringify(progress));
    } catch {
      // Full or disabled storage: progress lasts for this visit only.
    }
  };
  const mark = (lesson, exercise, how) => {
    progress = { ...progress, [lesson.id]: { ...progress[lesson.id], [exercise.line]: how } };
    save();
  };

  function showList() {
    current = null;
    const items = lessons.map((lesson) => {
      const total = exercisesOf(lesson).length;
      const done = doneIn(lesson);
      return element(
        "li",
        {},
        element(
          "button",
          { type: "button", className: "bw-lesson-link", dataset: { lesson: lesson.id } },
          lesson.meta.title,
        ),
        element(
          "span",
          { className: `bw-lesson-progress${done === total ? " bw-done" : ""}` },
          done === total ? `✓ ${done}/${total}` : `${done}/${total}`,
        ),
        element("span", { className: "bw-lesson-level" }, lesson.meta.level),
      );
    });
    const finished = lessons.filter((l) => doneIn(l) === exercisesOf(l).length).length;
    root.replaceChildren(
      element("h2", { className: "bw-pane-title" }, `Lessons: ${finished} of ${lessons.length} done`),
      element("ol", { className: "bw-lesson-list" }, ...items),
    );
    if (problems.length) {
      root.append(
        element(
          "p",
          { className: "bw-lesson-problem" },
          `${problems.length} lesson problem(s): run npx bytewise lessons check`,
        ),
      );
    }
    for (const button of root.querySelectorAll(".bw-lesson-link")) {
      button.addEventListener("click", () => open(button.dataset.lesson));
    }
    onChange(null);
  }

  function renderExercise(lesson, exercise) {
    const box = element("div", {
      className: "bw-exercise",
      dataset: { line: String(exercise.line), kind: exercise.kind },
    });
    const prompt = element("div", { className: "bw-exercise-prompt" });
    prompt.innerHTML = markdown.renderInline(exercise.prompt); // escaped: html is off
    const code = element("pre", { className: "bw-lesson-code" }, element("code", {}, exercise.code));
    const as = checkedAs(exercise);
    let input;
    if (as === "identity" || as === "choice" || as === "bigger") {
      const options = as === "identity" ? ["True", "False"] : exercise.choices;
      const name = `bw-ex-${lesson.id}-${exercise.line}`;
      input = element(
        "div",
        { className: "bw-exercise-choices", role: "radiogroup" },
        ...options.map((o) => element("label", {}, element("input", { type: "radio", name, value: o }), ` ${o}`)),
      );
    } else if (exercise.kind === "output") {
      input = element("textarea", {
        className: "bw-exercise-answer",
        rows: 3,
        spellcheck: false,
        ariaLabel: "Your prediction",
      });
    } else {
      input = element("input", {
        className: "bw-exercise-answer",
        type: "text",
        ariaLabel: "Your prediction",
        placeholder: as === "bytes" ? 'e.g. 904 or "904 bytes"' : "a number",
      });
    }
    const commit = element("button", { type: "button", className: "bw-exercise-commit" }, "Commit my prediction");
    const result = element("div", { className: "bw-exercise-result", role: "status" });
    const forWhat =
      exercise.kind === "bytes" && exercise.measure !== undefined
        ? element("p", { className: "bw-hint" }, `Sizes for: ${platformName()}`)
        : null;
    const value = () => {
      if (input.tagName === "DIV") return input.querySelector("input:checked")?.value ?? "";
      return input.value;
    };
    const setEnabled = (on) => {
      commit.disabled = !on;
      for (const i of input.tagName === "DIV" ? input.querySelectorAll("input") : [input]) i.disabled = !on;
    };
    // A step exercise stops while stepping through its code: the reader can open that
    // step, predict, and then see the next one.
    let stepping = null;
    const stepTo = (next) => openSteps(exercise.code, (report) => stopStep(exercise, report) + (next ? 1 : 0));
    if (exercise.kind === "step") {
      const open = element("button", { type: "button", className: "bw-open-code" }, "Step to this point");
      open.addEventListener("click", () => stepTo(false));
      const run = exercise.run ?? 1;
      stepping = element(
        "p",
        { className: "bw-hint" },
        `It stops as line ${exercise.line} is about to run${run > 1 ? ` for the ${ordinal(run)} time` : ""}. `,
        open,
      );
    }
    const nextStep = () => {
      if (exercise.kind !== "step") return null;
      const button = element("button", { type: "button", className: "bw-open-code" }, "Show the next step");
      button.addEventListener("click", () => stepTo(true));
      return element("p", {}, button);
    };
    let attempts = 0;
    let computed = null;
    commit.addEventListener("click", async () => {
      const said = value();
      if (!said.trim()) {
        result.replaceChildren(element("p", {}, "Make a prediction first."));
        return;
      }
      setEnabled(false); // the prediction is committed
      attempts += 1;
      if (!computed) {
        result.replaceChildren(element("p", {}, "Running the code to find out…"));
        computed = await computeAnswer(exercise, measure, { platform: platform(), trace });
        if (!computed.ok) {
          result.replaceChildren(
            element("p", { className: "bw-lesson-problem" }, `This exercise could not be computed: ${computed.error}.`),
          );
          computed = null;
          setEnabled(true);
          return;
        }
      }
      const verdict = checkAnswer(exercise, said, computed);
      box.dataset.state = verdict.correct ? "correct" : attempts >= 2 ? "revealed" : "wrong";
      if (verdict.correct) {
        mark(lesson, exercise, "correct");
        result.replaceChildren(
          element("p", { className: "bw-right" }, "Right."),
          element("p", {}, explain(exercise, computed)),
          nextStep() ?? "",
        );
      } else if (attempts < 2) {
        result.replaceChildren(
          element("p", { className: "bw-wrong" }, `Not quite. ${verdict.why ?? ""}`),
          element("p", {}, `Hint: ${exercise.hint}`),
        );
        setEnabled(true);
      } else {
        mark(lesson, exercise, "revealed");
        result.replaceChildren(
          element("p", { className: "bw-wrong" }, `The answer: ${computed.answer}.`),
          element("p", {}, explain(exercise, computed)),
          nextStep() ?? "",
        );
      }
    });
    box.append(prompt, code, ...(forWhat ? [forWhat] : []), ...(stepping ? [stepping] : []), input, commit, result);
    if (progress[lesson.id]?.[exercise.line]) box.dataset.done = progress[lesson.id][exercise.line];
    return box;
  }

  function open(id) {
    const lesson = lessons.find((l) => l.id === id);
    if (!lesson) return false;
    current = lesson;
    const back = element("button", { type: "button", className: "bw-lesson-back" }, "← All lessons");
    back.addEventListener("click", showList);
    const body = lesson.blocks.map((block) => {
      if (block.type === "markdown") {
        const div = element("div", { className: "bw-lesson-text" });
        div.innerHTML = markdown.render(block.text); // escaped: html is off
        return div;
      }
      if (block.type === "code") {
        const button = element("button", { type: "button", className: "bw-open-code" }, "Open in sandbox");
        button.addEventListener("click", () => openInSandbox(block.code));
        return element(
          "div",
          { className: "bw-lesson-block" },
          element("pre", { className: "bw-lesson-code" }, element("code", {}, block.code)),
          button,
        );
      }
      return renderExercise(lesson, block);
    });
    root.replaceChildren(back, element("h2", { className: "bw-lesson-title" }, lesson.meta.title), ...body);
    root.scrollTop = 0;
    onChange(lesson.id);
    return true;
  }

  showList();
  return {
    lessons,
    problems,
    open,
    showList,
    current: () => current?.id ?? null,
    progress: () => progress,
  };
}
