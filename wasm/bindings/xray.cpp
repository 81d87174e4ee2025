// The X-ray's JavaScript conversions (see xray.hpp beside this).
#include "xray.hpp"

#include "analyses.hpp"

#include <bytewise/snapshot.hpp>

#include <optional>
#include <string>

namespace bytewise::wasm {

using emscripten::val;

namespace {

double num(std::uint64_t v) { return static_cast<double>(v); }

// A JS number that is a whole count of bytes or an address; nullopt otherwise.
std::optional<std::uint64_t> whole(const val& v) {
  if (!v.isNumber()) return std::nullopt;
  const double d = v.as<double>();
  if (!(d >= 0 && d < 18446744073709551616.0) || d != static_cast<double>(static_cast<std::uint64_t>(d))) {
    return std::nullopt;
  }
  return static_cast<std::uint64_t>(d);
}

std::string text_or_empty(const val& v) { return v.isString() ? v.as<std::string>() : std::string(); }

bool is_object(const val& v) { return !v.isNull() && v.typeOf().as<std::string>() == "object"; }

diagnostic bad(std::string message) { return {"api.bad_argument", std::nullopt, std::move(message)}; }

}  // namespace

val xray_subject_to_js(const xray_subject& s) {
  val out = val::object();
  out.set("address", num(s.address));
  out.set("typeName", s.type_name);
  out.set("shape", num(s.shape));
  out.set("getsizeof", num(s.getsizeof));
  out.set("length", num(s.length));
  out.set("flags", s.flags);
  val p = val::object();
  p.set("implementation", s.platform.implementation);
  p.set("major", s.platform.python_major);
  p.set("minor", s.platform.python_minor);
  p.set("micro", s.platform.python_micro);
  p.set("pointerSize", s.platform.pointer_size);
  p.set("freeThreaded", s.platform.free_threaded);
  out.set("platform", p);
  return out;
}

xray_subject xray_subject_from_js(const val& js, std::vector<diagnostic>& errors) {
  xray_subject s;
  if (!is_object(js)) {
    errors.push_back(bad("The X-ray subject must be an object, as xraySubject() returns it."));
    return s;
  }
  auto number = [&](const val& v, const char* name) {
    const std::optional<std::uint64_t> n = whole(v);
    if (!n) errors.push_back(bad(std::string("The X-ray subject's ") + name + " must be a whole number."));
    return n.value_or(0);
  };
  s.address = number(js["address"], "address");
  s.type_name = text_or_empty(js["typeName"]);
  s.shape = number(js["shape"], "shape");
  s.getsizeof = number(js["getsizeof"], "getsizeof");
  s.length = number(js["length"], "length");
  s.flags = static_cast<std::uint32_t>(number(js["flags"], "flags"));
  const val p = js["platform"];
  if (!is_object(p)) {
    errors.push_back(bad("The X-ray subject has no platform."));
    return s;
  }
  s.platform.implementation = text_or_empty(p["implementation"]);
  s.platform.python_major = static_cast<std::uint8_t>(number(p["major"], "platform.major"));
  s.platform.python_minor = static_cast<std::uint8_t>(number(p["minor"], "platform.minor"));
  s.platform.python_micro = static_cast<std::uint8_t>(number(p["micro"], "platform.micro"));
  s.platform.pointer_size = static_cast<std::uint8_t>(number(p["pointerSize"], "platform.pointerSize"));
  s.platform.free_threaded = p["freeThreaded"].isTrue();
  return s;
}

std::vector<memory_region> memory_regions_from_js(const val& js, std::vector<diagnostic>& errors) {
  std::vector<memory_region> regions;
  if (!js.isArray()) {
    errors.push_back(bad("Memory regions must be an array of { address, bytes }."));
    return regions;
  }
  const val uint8_array = val::global("Uint8Array");
  const unsigned count = js["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) {
    const val r = js[i];
    const std::optional<std::uint64_t> address = is_object(r) ? whole(r["address"]) : std::nullopt;
    if (!address || !r["bytes"].instanceof (uint8_array)) {
      errors.push_back(bad("Memory region " + std::to_string(i) + " is not { address, bytes: Uint8Array }."));
      continue;
    }
    memory_region region{*address, emscripten::convertJSArrayToNumberVector<std::uint8_t>(r["bytes"]), 0};
    region.length = whole(r["length"]).value_or(region.bytes.size());
    regions.push_back(std::move(region));
  }
  return regions;
}

val xray_subject_bytes(std::uintptr_t address, std::size_t size, std::uint32_t root_index) {
  auto snap = read_snapshot({reinterpret_cast<const std::uint8_t*>(address), size});
  if (!snap) return failure_to_js(snap.errors());
  if (root_index >= snap->roots.size()) {
    return failure_to_js({bad("The snapshot has no root " + std::to_string(root_index) + ".")});
  }
  return xray_subject_to_js(xray_subject_of(snap.value(), snap->roots[root_index].node));
}

val xray_to_js(const val& subject_js, const val& regions_js) {
  std::vector<diagnostic> errors;
  const xray_subject s = xray_subject_from_js(subject_js, errors);
  const std::vector<memory_region> regions = memory_regions_from_js(regions_js, errors);
  if (!errors.empty()) return failure_to_js(errors);
  const xray_result x = xray(s, regions);
  val out = val::object();
  out.set("ok", true);
  out.set("complete", x.complete());
  val wants = val::array();
  for (const memory_range& w : x.wants) {
    val item = val::object();
    item.set("address", num(w.address));
    item.set("length", num(w.length));
    wants.call<void>("push", item);
  }
  out.set("wants", wants);
  val blocks = val::array();
  for (const xray_block& b : x.blocks) {
    val item = val::object();
    item.set("name", b.name);
    item.set("address", num(b.address));
    item.set("bytes", val::global("Uint8Array").new_(emscripten::typed_memory_view(b.bytes.size(), b.bytes.data())));
    item.set("allocated", num(b.allocated));
    item.set("requested", num(b.requested));
    item.set("allocation", b.allocation);
    val fields = val::array();
    for (const xray_field& f : b.fields) {
      val field = val::object();
      field.set("address", num(f.address));
      field.set("offset", static_cast<double>(static_cast<std::int64_t>(f.address - b.address)));
      field.set("size", f.size);
      field.set("name", f.name);
      field.set("value", f.value);
      field.set("pointsTo", f.points_to ? val(num(f.points_to)) : val::null());
      field.set("note", f.note);
      fields.call<void>("push", field);
    }
    item.set("fields", fields);
    blocks.call<void>("push", item);
  }
  out.set("blocks", blocks);
  val problems = val::array();
  for (const diagnostic& d : x.problems) {
    val item = val::object();
    item.set("code", d.code);
    item.set("message", d.message);
    problems.call<void>("push", item);
  }
  out.set("problems", problems);
  return out;
}

}  // namespace bytewise::wasm
