#include "report.hpp"

#include <bytewise/diagram.hpp>

namespace bytewise::wasm {

using emscripten::val;

val failure_to_js(const std::vector<diagnostic>& errors) {
  val out = val::object();
  out.set("ok", false);
  val list = val::array();
  for (const diagnostic& d : errors) {
    val item = val::object();
    item.set("code", d.code);
    item.set("offset", d.offset ? val(static_cast<double>(*d.offset)) : val::null());
    item.set("message", d.message);
    list.call<void>("push", item);
  }
  out.set("errors", list);
  return out;
}

val report_to_js(const snapshot& snap, const root_sizes& sizes) {
  const object_graph& g = snap.graph;
  val out = val::object();
  out.set("ok", true);

  const platform_info& p = snap.platform;
  val platform = val::object();
  platform.set("implementation", p.implementation);
  platform.set("version", std::to_string(p.python_major) + "." + std::to_string(p.python_minor) +
                              "." + std::to_string(p.python_micro));
  platform.set("pythonVersion", p.python_version);
  platform.set("pointerSize", p.pointer_size);
  platform.set("runtime", p.runtime);
  platform.set("machine", p.machine);
  platform.set("freeThreaded", p.free_threaded);
  platform.set("description", describe_platform(p));
  out.set("platform", platform);

  const capture_info& c = snap.capture;
  val capture = val::object();
  capture.set("truncated", c.truncated);
  capture.set("objectCap", c.object_cap);
  capture.set("smallIntsProbed", c.small_ints_probed);
  capture.set("smallIntMin", c.small_int_min);
  capture.set("smallIntMax", c.small_int_max);
  out.set("capture", capture);

  out.set("nodeCount", g.node_count());
  out.set("edgeCount", g.edge_count());
  val roots = val::array();
  for (std::size_t i = 0; i < snap.roots.size(); ++i) {
    const root& r = snap.roots[i];
    const root_size& s = sizes.roots[i];
    val item = val::object();
    item.set("name", std::string(snap.strings.at(r.name)));
    item.set("node", r.node);
    item.set("type", std::string(snap.strings.at(g.type[r.node])));
    item.set("address", static_cast<double>(g.address[r.node]));
    item.set("shallow", static_cast<double>(s.shallow));
    item.set("deep", static_cast<double>(s.deep));
    item.set("objects", static_cast<double>(s.objects));
    roots.call<void>("push", item);
  }
  out.set("roots", roots);
  val total = val::object();
  total.set("deep", static_cast<double>(sizes.total_deep));
  total.set("objects", static_cast<double>(sizes.total_objects));
  out.set("total", total);
  return out;
}

std::span<const std::uint8_t> bytes_at(std::uintptr_t address, std::size_t size) {
  return {reinterpret_cast<const std::uint8_t*>(address), size};
}

}  // namespace bytewise::wasm
