// The heap walker's JavaScript interface (bytewise/heap_walk.hpp), in the core module:
//
//   const ptr = core._malloc(heap.length); core.HEAPU8.set(heap, ptr);   // a copy of Pyodide's memory
//   const walk = core.walkHeap(ptr, heap.length, 0, setup);               // web/native-capture.js
//   // { ok: true, snapshot: Uint8Array, handedBack: [{ node, address, parts, reason }],
//   //   classesNeeded: [address], problems: [{ code, offset, message }], bytesRead,
//   //   walkMs, encodeMs }   (the walk and the snapshot's encoding, timed in the core)
//   // or { ok: false, errors: [...] }
//
// `setup` is native.setup() of web/py/_bytewise/native.py, plus roots ([[name, address]]),
// policy (capture_policy bits), objectCap, edgeCap, classes (native.class_facts()) and,
// optionally, diagnostics ([[code, message]]: the caller's findings, carried in the snapshot)
// and held (addresses: references the caller holds, one each, taken off the refcounts).
// and answers (native.answer(): the probe's parts of objects an earlier round handed back,
// [{ address, size, length, shape, label, truncated, references, diagnostics }]).
// A walk that met classes it has no facts for, or handed objects back, returns no snapshot
// unless setup.final is true (the caller's last round). With setup.paged true, the block at
// `ptr` is allocated but not filled: the walk copies each 4 KiB page from
// core.heapSource (set it to Pyodide's HEAPU8 for the walk) when it first reads it, and
// pagesCopied says how many it copied.
#include "analyses.hpp"

#include <bytewise/heap_walk.hpp>

#include <emscripten/bind.h>
#include <emscripten/emscripten.h>
#include <emscripten/val.h>

#include <cmath>
#include <span>
#include <string>

namespace {

using emscripten::val;

bool is_object(const val& v) { return !v.isNull() && !v.isUndefined() && v.typeOf().as<std::string>() == "object"; }

// A whole number in [0, 2^53]; nullopt otherwise.
std::optional<std::uint64_t> whole(const val& v) {
  if (!v.isNumber()) return std::nullopt;
  const double d = v.as<double>();
  if (!(d >= 0 && d <= 9007199254740992.0) || d != std::floor(d)) return std::nullopt;
  return static_cast<std::uint64_t>(d);
}

std::optional<std::int64_t> integer(const val& v) {
  if (!v.isNumber()) return std::nullopt;
  const double d = v.as<double>();
  if (!(d >= -9007199254740992.0 && d <= 9007199254740992.0) || d != std::floor(d)) return std::nullopt;
  return static_cast<std::int64_t>(d);
}

std::string text(const val& v) { return v.isString() ? v.as<std::string>() : std::string(); }

bool array_of(const val& v) { return val::global("Array").call<bool>("isArray", v); }

bytewise::diagnostic bad(std::string message) { return {"api.bad_argument", std::nullopt, std::move(message)}; }

// [[code, message], ...] into `out`, when `list` is an array; a malformed entry is one error.
void code_message_pairs(const val& list, const char* what, std::vector<std::pair<std::string, std::string>>& out,
                        std::vector<bytewise::diagnostic>& errors) {
  if (!array_of(list)) return;
  const auto n = list["length"].as<std::uint32_t>();
  for (std::uint32_t i = 0; i < n; ++i) {
    const val d = list[i];
    if (!array_of(d) || !d[0].isString() || !d[1].isString()) {
      errors.push_back(bad(std::string(what) + " must be [code, message] pairs of strings."));
      return;
    }
    out.emplace_back(text(d[0]), text(d[1]));
  }
}

bytewise::walk_setup setup_from_js(const val& js, std::vector<bytewise::diagnostic>& errors) {
  bytewise::walk_setup s;
  if (!is_object(js)) {
    errors.push_back(bad("The walk's setup must be an object, as native.setup() returns it."));
    return s;
  }
  auto number = [&](const val& v, const char* name) {
    const auto n = whole(v);
    if (!n) errors.push_back(bad(std::string("The walk's setup has no whole number ") + name + "."));
    return n.value_or(0);
  };
  const val types = js["types"];
  if (!is_object(types)) {
    errors.push_back(bad("The walk's setup has no types."));
  } else {
    for (std::size_t k = 0; k < bytewise::known_type_count; ++k) {
      const std::string key(bytewise::known_type_key(static_cast<bytewise::known_type>(k)));
      s.types[k] = number(types[key], ("types." + key).c_str());
    }
  }
  s.small_int_min = static_cast<std::int32_t>(integer(js["smallIntMin"]).value_or(0));
  s.small_int_max = static_cast<std::int32_t>(integer(js["smallIntMax"]).value_or(-1));
  const val small = js["smallInts"];
  if (array_of(small)) {
    const auto n = small["length"].as<std::uint32_t>();
    for (std::uint32_t i = 0; i < n; ++i) s.small_int_addresses.push_back(number(small[i], "smallInts[i]"));
  }
  s.heap_base = number(js["heapBase"], "heapBase");
  s.class_statement = number(js["classStatement"], "classStatement");
  s.policy = static_cast<std::uint32_t>(number(js["policy"], "policy"));
  s.object_cap = static_cast<std::uint32_t>(number(js["objectCap"], "objectCap"));
  s.edge_cap = static_cast<std::uint32_t>(number(js["edgeCap"], "edgeCap"));
  if (!js["labelCap"].isUndefined()) s.label_cap = static_cast<std::uint32_t>(number(js["labelCap"], "labelCap"));
  s.finding_classes = !js["final"].isTrue();
  const val p = js["platform"];
  if (!is_object(p) || !array_of(p["version"])) {
    errors.push_back(bad("The walk's setup has no platform."));
  } else {
    s.platform.pointer_size = static_cast<std::uint8_t>(number(p["pointerSize"], "platform.pointerSize"));
    const val v = p["version"];
    s.platform.python_major = static_cast<std::uint8_t>(number(v[0], "platform.version[0]"));
    s.platform.python_minor = static_cast<std::uint8_t>(number(v[1], "platform.version[1]"));
    s.platform.python_micro = static_cast<std::uint8_t>(number(v[2], "platform.version[2]"));
    s.platform.release_level = static_cast<std::uint8_t>(number(v[3], "platform.version[3]"));
    s.platform.release_serial = static_cast<std::uint8_t>(number(v[4], "platform.version[4]"));
    s.platform.implementation = text(p["implementation"]);
    s.platform.python_version = text(p["pythonVersion"]);
    s.platform.runtime = text(p["runtime"]);
    s.platform.machine = text(p["machine"]);
    s.platform.free_threaded = p["freeThreaded"].isTrue();
  }
  const val roots = js["roots"];
  if (!array_of(roots)) {
    errors.push_back(bad("The walk's setup has no roots ([[name, address], ...])."));
  } else {
    const auto n = roots["length"].as<std::uint32_t>();
    for (std::uint32_t i = 0; i < n; ++i) s.roots.emplace_back(text(roots[i][0]), number(roots[i][1], "roots[i][1]"));
  }
  code_message_pairs(js["diagnostics"], "The walk's diagnostics", s.diagnostics, errors);
  const val held = js["held"];
  if (array_of(held)) {
    const auto n = held["length"].as<std::uint32_t>();
    for (std::uint32_t i = 0; i < n; ++i) s.held.push_back(number(held[i], "held[i]"));
  }
  const val classes = js["classes"];
  if (array_of(classes)) {
    const auto n = classes["length"].as<std::uint32_t>();
    for (std::uint32_t i = 0; i < n; ++i) {
      const val c = classes[i];
      bytewise::class_facts f;
      f.address = number(c["address"], "classes[i].address");
      f.plain = c["plain"].isTrue();
      const val names = c["plainNames"];
      const auto nn = names["length"].as<std::uint32_t>();
      for (std::uint32_t k = 0; k < nn; ++k) f.plain_names.push_back(text(names[k]));
      std::sort(f.plain_names.begin(), f.plain_names.end());
      const val slots = c["slots"];
      const auto ns = slots["length"].as<std::uint32_t>();
      for (std::uint32_t k = 0; k < ns; ++k) f.slots.emplace_back(text(slots[k][0]), number(slots[k][1], "slot"));
      f.shape = number(c["shape"], "classes[i].shape");
      f.category = static_cast<std::uint8_t>(number(c["category"], "classes[i].category"));
      f.c_sizeof = c["cSizeof"].isTrue();
      f.object_layout = c["objectLayout"].isTrue();
      f.object_sizeof = c["objectSizeof"].isTrue();
      s.classes.push_back(std::move(f));
    }
  }
  const val answers = js["answers"];
  if (array_of(answers)) {
    const auto n = answers["length"].as<std::uint32_t>();
    auto optional_number = [&](const val& v, const char* name) -> std::optional<std::uint64_t> {
      if (v.isNull() || v.isUndefined()) return std::nullopt;
      return number(v, name);
    };
    for (std::uint32_t i = 0; i < n; ++i) {
      const val a = answers[i];
      if (!is_object(a)) {
        errors.push_back(bad("The walk's answers must be objects, as native.answer() returns them."));
        break;
      }
      bytewise::probe_answer out;
      out.address = number(a["address"], "answers[i].address");
      out.size = optional_number(a["size"], "answers[i].size");
      out.length = optional_number(a["length"], "answers[i].length");
      out.shape = optional_number(a["shape"], "answers[i].shape");
      if (a["label"].isString()) out.label = text(a["label"]);
      out.truncated = a["truncated"].isTrue();
      const val refs = a["references"];
      if (!refs.isNull() && !refs.isUndefined() && !array_of(refs)) {
        errors.push_back(bad("An answer's references must be an array or null."));
        break;
      }
      if (array_of(refs)) {
        std::vector<bytewise::probe_reference> list;
        const auto m = refs["length"].as<std::uint32_t>();
        list.reserve(m);
        for (std::uint32_t k = 0; k < m; ++k) {
          const val r = refs[k];
          bytewise::probe_reference ref;
          const auto kind = array_of(r) ? whole(r[1]) : std::nullopt;
          if (!kind || *kind >= bytewise::edge_kind_count) {
            errors.push_back(bad("An answer's reference must be [address, kind, label] with a known edge kind."));
            break;
          }
          ref.target = number(r[0], "answers[i].references[k][0]");
          ref.kind = static_cast<bytewise::edge_kind>(*kind);
          if (ref.kind == bytewise::edge_kind::index) {
            ref.index = static_cast<std::uint32_t>(number(r[2], "answers[i].references[k][2]"));
          } else if (r[2].isString()) {
            ref.label = text(r[2]);
          }
          list.push_back(std::move(ref));
        }
        out.references = std::move(list);
      }
      code_message_pairs(a["diagnostics"], "An answer's diagnostics", out.diagnostics, errors);
      s.answers.push_back(std::move(out));
    }
  }
  return s;
}

// Copies bytes [offset, offset + length) of Module.heapSource (the Uint8Array of Pyodide's
// memory the caller set for this walk) to the same offset of the block at `block`.
EM_JS(bool, bw_fill_from_source, (std::uint8_t * block, double offset, double length), {
  const source = Module["heapSource"];
  if (!source || offset + length > source.length) return false;
  HEAPU8.set(source.subarray(offset, offset + length), block + offset);
  return true;
});

bool fill_from_source(void* block, std::uint64_t offset, std::uint64_t length) {
  return bw_fill_from_source(static_cast<std::uint8_t*>(block), static_cast<double>(offset),
                             static_cast<double>(length));
}

val walk_heap_js(std::uintptr_t address, std::size_t size, double base, val setup_js) {
  std::vector<bytewise::diagnostic> errors;
  const bytewise::walk_setup setup = setup_from_js(setup_js, errors);
  if (!errors.empty()) return bytewise::wasm::failure_to_js(errors);
  // setup.paged: the block is filled from Module.heapSource as the walk reads it.
  std::optional<bytewise::heap_pages> pages;
  if (setup_js["paged"].isTrue()) pages.emplace(size, &fill_from_source, reinterpret_cast<void*>(address));
  const bytewise::copied_heap heap(static_cast<std::uint64_t>(base),
                                   std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(address), size),
                                   pages ? &*pages : nullptr);
  const double started = emscripten_get_now();
  auto walked = bytewise::walk_heap(heap, setup);
  if (!walked) return bytewise::wasm::failure_to_js(walked.errors());
  const double was_walked = emscripten_get_now();
  // What the caller needs of every round: the hand-backs, the classes, the problems.
  const auto findings = [&](val& out) {
    val handed = val::array();
    for (const auto& h : walked->handed_back) {
      val item = val::object();
      item.set("node", h.node);
      item.set("address", static_cast<double>(h.address));
      item.set("parts", static_cast<unsigned>(h.parts));
      item.set("reason", h.reason);
      handed.call<void>("push", item);
    }
    out.set("handedBack", handed);
    val needed = val::array();
    for (std::uint64_t c : walked->classes_needed) needed.call<void>("push", static_cast<double>(c));
    out.set("classesNeeded", needed);
    val problems = val::array();
    for (const auto& d : walked->problems) {
      val item = val::object();
      item.set("code", d.code);
      item.set("offset", d.offset ? val(static_cast<double>(*d.offset)) : val::null());
      item.set("message", d.message);
      problems.call<void>("push", item);
    }
    out.set("problems", problems);
    out.set("bytesRead", static_cast<double>(walked->bytes_read));
    out.set("pagesCopied", pages ? val(static_cast<double>(pages->pages_filled())) : val::null());
    out.set("nodes", walked->snap.graph.node_count());
  };
  if ((!walked->classes_needed.empty() || !walked->handed_back.empty()) && !setup_js["final"].isTrue()) {
    // The caller describes these classes, or has the probe answer for the objects handed
    // back, and walks again: this walk's snapshot would be thrown away.
    val out = val::object();
    out.set("ok", true);
    out.set("walkMs", was_walked - started);
    out.set("encodeMs", 0);
    findings(out);
    return out;
  }
  const std::vector<std::uint8_t> bytes = bytewise::write_snapshot(walked->snap);
  const double encoded = emscripten_get_now();
  val out = val::object();
  out.set("walkMs", was_walked - started);
  out.set("encodeMs", encoded - was_walked);
  out.set("ok", true);
  out.set("snapshot", val::global("Uint8Array").new_(emscripten::typed_memory_view(bytes.size(), bytes.data())));
  findings(out);
  return out;
}

}  // namespace

EMSCRIPTEN_BINDINGS(bytewise_native) { emscripten::function("walkHeap", &walk_heap_js); }
