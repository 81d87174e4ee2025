// The snapshot format's constants agree on both sides: every name in the probe's
// _bytewise.format (run in Pyodide) is in the core's formatConstants() with the same value,
// and the other way round. A bit moved on one side only fails here, by name, instead of
// reading as a valid snapshot with the wrong meaning.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { pythonModuleSources } from "../../web/node-api.js";
import { openInProcess } from "./pyodide-session.mjs";

let core;
let python;
before(async () => {
  const bytewise = await openInProcess();
  core = bytewise.core.formatConstants();
  const proxy = bytewise.pyodide.runPython(`
import _bytewise.format
def _constant(name, value):
    if type(value) is bytes:
        return value.decode("ascii")
    if type(value) is int:
        return value
    raise TypeError("_bytewise.format.%s is a %s; the module holds only int and bytes constants"
                    % (name, type(value).__name__))
{name: _constant(name, value) for name, value in vars(_bytewise.format).items()
 if not name.startswith("_")}`);
  python = proxy.toJs({ dict_converter: Object.fromEntries });
  proxy.destroy();
});

/** 4, 255 (0xff), "EKND" */
function show(value) {
  if (typeof value !== "number") return JSON.stringify(value);
  return value > 9 ? `${value} (0x${value.toString(16)})` : String(value);
}

describe("snapshot format constants", () => {
  test("every constant of the core is in _bytewise.format, with the same value", async () => {
    const problems = [];
    for (const [name, value] of Object.entries(core)) {
      if (!(name in python)) problems.push(`${name} = ${show(value)} in the core is missing from _bytewise.format`);
      else if (python[name] !== value) {
        problems.push(`${name} is ${show(python[name])} in _bytewise.format but ${show(value)} in the core`);
      }
    }
    assert.equal(problems.length, 0, problems.join("\n"));
    assert.ok(Object.keys(core).length > 100, "the core lists its constants");
  });

  test("every constant of _bytewise.format is in the core", async () => {
    const extra = Object.keys(python).filter((name) => !(name in core));
    assert.equal(
      extra.length,
      0,
      extra.map((name) => `${name} = ${show(python[name])} in _bytewise.format is not in the core's table`).join("\n"),
    );
  });

  test("no other Python module defines a constant of its own under a format name", async () => {
    const redefined = [];
    for (const [file, source] of Object.entries(pythonModuleSources())) {
      if (file === "_bytewise/format.py") continue;
      for (const match of source.matchAll(/^([A-Z][A-Z0-9_]*)\s*=/gm)) {
        if (match[1] in core) redefined.push(`${file} assigns ${match[1]}: import it from _bytewise.format`);
      }
    }
    assert.equal(redefined.length, 0, redefined.join("\n"));
  });
});
