#pragma once
#include <cstdint>

namespace deploysim {

/// A node in the topology (client, resolver, DNS server, proxy, worker, supervisor, CA, host).
/// The value is an index into the trace's node table.
enum class NodeId : uint32_t { none = UINT32_MAX };
/// A TCP/TLS connection, numbered in order of creation within a run.
enum class ConnId : uint32_t { none = UINT32_MAX };
/// A process (worker, manager, proxy, job), numbered in order of creation within a run.
enum class ProcId : uint32_t { none = UINT32_MAX };
/// The index of a record in its trace; also its seq.
enum class RecordId : uint32_t { none = UINT32_MAX };
/// An interned string (kind, narration key, detail key or value) of one trace.
enum class Sym : uint32_t { none = UINT32_MAX };

/// The raw value of an id.
template <class Id>
constexpr uint32_t raw(Id id) {
  return static_cast<uint32_t>(id);
}

/// The stage lanes of the timeline; every trace record belongs to one.
enum class Stage : uint8_t {
  dns,
  tcp,
  tls,
  http,
  proxy,
  process,
  supervisor,
  cert,
  memory,
  deploy,
  client,
  fault,
  count
};

/// The stage's lower-case name as used in trace JSON ("dns", "tls", ...).
const char* stage_name(Stage s);
/// Parses a stage name; returns Stage::count when unknown.
Stage stage_from_name(const char* name);

}  // namespace deploysim
