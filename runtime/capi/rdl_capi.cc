// The C API (runtime/include/rdl/rdl.h) over LoadedPack and Engine. Every
// entry point catches everything: no exception crosses into C.
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "rdl/rdl.h"
#include "runtime/engine/engine.h"
#include "runtime/vm/loaded_pack.h"

struct rdl_pack {
  std::unique_ptr<rdl::LoadedPack> pack;
};

struct rdl_engine {
  std::unique_ptr<rdl::Engine> engine;
  rdl_alert_fn on_alert = nullptr;
  rdl_late_fn on_late = nullptr;
  void* user_data = nullptr;
  std::string last_error;
  bool in_call = false;  // callbacks must not re-enter
};

namespace {

void WriteError(const std::string& msg, char* errbuf, size_t errlen) {
  if (errbuf == nullptr || errlen == 0) return;
  const size_t n = msg.size() < errlen - 1 ? msg.size() : errlen - 1;
  std::memcpy(errbuf, msg.data(), n);
  errbuf[n] = '\0';
}

rdl_status Open(rdl_pack** out, char* errbuf, size_t errlen, const char* path, const void* bytes,
                size_t len) {
  if (out == nullptr) {
    WriteError("null output pointer", errbuf, errlen);
    return RDL_ERR_INVALID_ARGUMENT;
  }
  *out = nullptr;
  try {
    std::vector<uint8_t> data;
    if (path != nullptr) {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        WriteError(std::string(path) + ": cannot open: " + std::strerror(errno), errbuf, errlen);
        return RDL_ERR_IO;
      }
      data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
      if (in.bad()) {
        WriteError(std::string(path) + ": read error", errbuf, errlen);
        return RDL_ERR_IO;
      }
    } else {
      const auto* b = static_cast<const uint8_t*>(bytes);
      data.assign(b, b + len);
    }
    std::string error;
    auto loaded = rdl::LoadedPack::LoadBytes(data, &error);
    if (!loaded) {
      WriteError(path != nullptr ? std::string(path) + ": " + error : error, errbuf, errlen);
      return RDL_ERR_BAD_PACK;
    }
    auto* p = new rdl_pack;
    p->pack = std::move(loaded);
    *out = p;
    return RDL_OK;
  } catch (const std::bad_alloc&) {
    WriteError("out of memory", errbuf, errlen);
    return RDL_ERR_NO_MEMORY;
  } catch (const std::exception& e) {
    WriteError(e.what(), errbuf, errlen);
    return RDL_ERR_INTERNAL;
  } catch (...) {
    WriteError("internal error", errbuf, errlen);
    return RDL_ERR_INTERNAL;
  }
}

// Runs `f` on the engine, mapping exceptions to statuses.
template <class F>
rdl_status Guard(rdl_engine* e, F&& f) {
  if (e == nullptr) return RDL_ERR_INVALID_ARGUMENT;
  if (e->in_call) {
    e->last_error = "re-entrant call from a callback";
    return RDL_ERR_INVALID_ARGUMENT;
  }
  e->in_call = true;
  rdl_status st;
  try {
    st = f();
  } catch (const std::bad_alloc&) {
    e->last_error = "out of memory";
    st = RDL_ERR_NO_MEMORY;
  } catch (const std::exception& ex) {
    e->last_error = ex.what();
    st = RDL_ERR_INTERNAL;
  } catch (...) {
    e->last_error = "internal error";
    st = RDL_ERR_INTERNAL;
  }
  e->in_call = false;
  return st;
}

}  // namespace

extern "C" {

void rdl_options_init(rdl_options* options) {
  if (options == nullptr) return;
  rdl::EngineOptions defaults;
  options->lateness_ns = defaults.lateness_ns;
  options->default_max_keys = defaults.default_max_keys;
  options->max_buffered_events = defaults.max_buffered_events;
  options->on_late = nullptr;
}

rdl_status rdl_pack_open(const char* path, rdl_pack** pack, char* errbuf, size_t errlen) {
  if (path == nullptr) {
    if (pack != nullptr) *pack = nullptr;
    WriteError("null path", errbuf, errlen);
    return RDL_ERR_INVALID_ARGUMENT;
  }
  return Open(pack, errbuf, errlen, path, nullptr, 0);
}

rdl_status rdl_pack_open_bytes(const void* bytes, size_t len, rdl_pack** pack, char* errbuf,
                               size_t errlen) {
  if (bytes == nullptr && len > 0) {
    if (pack != nullptr) *pack = nullptr;
    WriteError("null bytes", errbuf, errlen);
    return RDL_ERR_INVALID_ARGUMENT;
  }
  return Open(pack, errbuf, errlen, nullptr, bytes == nullptr ? "" : bytes, len);
}

void rdl_pack_close(rdl_pack* pack) { delete pack; }

size_t rdl_pack_rule_count(const rdl_pack* pack) {
  return pack == nullptr ? 0 : pack->pack->program().rules.size();
}

const char* rdl_pack_rule_name(const rdl_pack* pack, size_t i) {
  if (pack == nullptr || i >= pack->pack->program().rules.size()) return nullptr;
  return pack->pack->program().rules[i].name.c_str();
}

rdl_status rdl_engine_new(const rdl_pack* pack, const rdl_options* options, rdl_alert_fn on_alert,
                          void* user_data, rdl_engine** engine) {
  if (engine == nullptr) return RDL_ERR_INVALID_ARGUMENT;
  *engine = nullptr;
  if (pack == nullptr) return RDL_ERR_INVALID_ARGUMENT;
  try {
    auto e = std::make_unique<rdl_engine>();
    e->on_alert = on_alert;
    e->user_data = user_data;
    rdl::EngineOptions opts;
    if (options != nullptr) {
      opts.lateness_ns = options->lateness_ns;
      opts.default_max_keys = options->default_max_keys;
      opts.max_buffered_events = static_cast<size_t>(options->max_buffered_events);
      e->on_late = options->on_late;
    }
    rdl_engine* raw = e.get();
    if (raw->on_late != nullptr) {
      opts.on_late = [raw](const rdl::LateEvent& le) {
        raw->on_late(le.time_ns, le.uid.data(), le.uid.size(), le.watermark_ns, raw->user_data);
      };
    }
    rdl::AlertCallback cb;
    if (on_alert != nullptr) {
      cb = [raw](const rdl::Alert& a) {
        rdl_alert ca;
        ca.json = a.json.c_str();
        ca.json_len = a.json.size();
        ca.rule = a.rule.c_str();
        ca.id = a.id.c_str();
        ca.time_ns = a.time_ns;
        raw->on_alert(&ca, raw->user_data);
      };
    }
    e->engine = std::make_unique<rdl::Engine>(*pack->pack, std::move(opts), std::move(cb));
    *engine = e.release();
    return RDL_OK;
  } catch (const std::bad_alloc&) {
    return RDL_ERR_NO_MEMORY;
  } catch (...) {
    return RDL_ERR_INTERNAL;
  }
}

void rdl_engine_free(rdl_engine* engine) {
  try {
    delete engine;
  } catch (...) {
  }
}

rdl_status rdl_engine_push(rdl_engine* engine, const char* bytes, size_t len) {
  if (engine != nullptr && bytes == nullptr && len > 0) {
    engine->last_error = "null bytes";
    return RDL_ERR_INVALID_ARGUMENT;
  }
  return Guard(engine, [&]() {
    std::string error;
    if (!engine->engine->Push(std::string_view(bytes == nullptr ? "" : bytes, len), &error)) {
      engine->last_error = error.empty() ? "not a usable event" : error;
      return RDL_ERR_BAD_EVENT;
    }
    return RDL_OK;
  });
}

rdl_status rdl_engine_finish(rdl_engine* engine) {
  return Guard(engine, [&]() {
    engine->engine->Finish();
    return RDL_OK;
  });
}

rdl_status rdl_engine_counters(const rdl_engine* engine, rdl_counters* out) {
  if (engine == nullptr || out == nullptr) return RDL_ERR_INVALID_ARGUMENT;
  const rdl::EngineCounters& c = engine->engine->counters();
  *out = rdl_counters{};
  out->events = c.events;
  out->bad_events = c.bad_events;
  out->late_events = c.late_events;
  out->alerts = c.alerts;
  out->forced_releases = c.forced_releases;
  for (const auto& r : c.rules) {
    out->evictions += r.evictions;
    out->suppressed += r.suppressed;
  }
  return RDL_OK;
}

rdl_status rdl_engine_rule_counters(const rdl_engine* engine, size_t i, rdl_rule_counters* out) {
  if (engine == nullptr || out == nullptr) return RDL_ERR_INVALID_ARGUMENT;
  const rdl::EngineCounters& c = engine->engine->counters();
  if (i >= c.rules.size()) return RDL_ERR_INVALID_ARGUMENT;
  out->alerts = c.rules[i].alerts;
  out->evictions = c.rules[i].evictions;
  out->suppressed = c.rules[i].suppressed;
  return RDL_OK;
}

const char* rdl_last_error(const rdl_engine* engine) {
  if (engine == nullptr) return "null engine";
  return engine->last_error.c_str();
}

const char* rdl_status_string(rdl_status status) {
  switch (status) {
    case RDL_OK:
      return "ok";
    case RDL_ERR_INVALID_ARGUMENT:
      return "invalid argument";
    case RDL_ERR_IO:
      return "i/o error";
    case RDL_ERR_BAD_PACK:
      return "bad pack";
    case RDL_ERR_BAD_EVENT:
      return "bad event";
    case RDL_ERR_NO_MEMORY:
      return "out of memory";
    case RDL_ERR_INTERNAL:
      return "internal error";
  }
  return "unknown status";
}

}  // extern "C"
