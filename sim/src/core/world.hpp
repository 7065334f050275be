#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/engine.hpp"
#include "deploysim/ids.hpp"
#include "deploysim/metrics.hpp"
#include "core/rng.hpp"
#include "deploysim/scenario.hpp"
#include "deploysim/trace.hpp"

namespace deploysim {

// The state shared by the models during one run. The request-path models (dns, tcp, tls, proxy,
// server, client) read it; the lifecycle models (supervisor, certs, host, deploy, faults) change
// it and tell the others through the listeners below. Values and indices only, no pointers
// across models.

/// One process: a worker of a service replica (or its manager).
struct Process {
  ProcId id = ProcId::none;
  std::string name;            ///< "api/worker-2" (replica r > 0: "api-2/worker-2").
  uint32_t service = 0;        ///< Index into Scenario::services.
  uint32_t replica = 0;        ///< Replica index (one per host in `hosts`, or 0).
  uint32_t worker = 0;         ///< Worker index within the replica (1-based in names).
  uint32_t host = 0;           ///< Index into Scenario::hosts.
  NodeId node = NodeId::none;  ///< Its node in the trace.
  ProcState state = ProcState::running;
  uint64_t rss = 0;                 ///< Resident memory now.
  uint32_t active = 0;              ///< Requests being served now.
  uint64_t served = 0;              ///< Requests answered.
  Time busy;                        ///< Total busy time (utilisation).
  Time next_restart = Time::max();  ///< When backing off: the planned restart.
  uint32_t restarts = 0;            ///< Restarts so far.
  std::string version;              ///< Resolved app dependency version (e.g. "fastapi 0.45.0").
  bool ready = true;                ///< In the proxy's endpoints; a failing readiness probe takes it out.
  /// Its replica's listening socket is open: held by the worker while it serves, and by the
  /// Uvicorn manager (workers > 1) while this worker is dead or respawning, so the kernel still
  /// accepts connections for it into the backlog.
  bool listening = true;
};

/// A certificate as the proxy serves it (in memory) or as it lies on disk after renewal.
struct CertState {
  std::string domain;
  std::vector<std::string> alt_names;  ///< Further names it covers (subjectAltName).
  Issuer issuer = Issuer::letsencrypt;
  Time not_before;  ///< Relative to the scenario start.
  Time not_after;
  uint32_t serial = 1;  ///< Increments with every issuance.
  bool present = true;  ///< false: never issued / lost.
};

/// Host state.
struct HostState {
  std::string name;
  std::string ip;
  NodeId node = NodeId::none;
  uint64_t memory = 0;  ///< Capacity.
  uint64_t used = 0;    ///< Sum of its processes' RSS.
  bool up = true;
};

/// Everything one run shares.
struct World {
  explicit World(const Scenario& sc, uint64_t seed, TraceLevel level);

  const Scenario& scenario;
  uint64_t seed;
  TraceLevel level;
  Engine engine;
  Trace trace;
  Metrics metrics;

  std::vector<HostState> hosts;          ///< Parallel to Scenario::hosts.
  std::vector<Process> processes;        ///< All workers of all services, by ProcId.
  std::vector<CertState> serving_certs;  ///< What the proxy presents now (parallel to Scenario::certificates).
  std::vector<CertState> stored_certs;   ///< What is on disk (after a renewal without reload they differ).
  bool proxy_up = true;
  uint32_t proxy_restarts = 0;  ///< Times the proxy went down: each start makes new session ticket keys.
  bool resolver_up = true;
  bool port80_blocked = false;
  Time clock_skew;  ///< Added to the clients' clock when checking validity.

  NodeId proxy_node = NodeId::none;
  NodeId resolver_node = NodeId::none;

  /// A random stream for a named actor.
  Rng rng(const char* actor) const { return Rng(seed, Rng::stream_id(actor)); }
  /// One-way latency between two nodes (links override the default).
  Time latency(std::string_view a, std::string_view b) const;
  /// Whether the trace keeps this record (full level: all; outcomes: only outcome/lifecycle).
  bool tracing(bool is_outcome) const {
    return level == TraceLevel::full || (level == TraceLevel::outcomes && is_outcome);
  }
  /// Index of a service by name (UINT32_MAX when absent).
  uint32_t service_index(std::string_view name) const;
  /// A service's replicas (one per host in `hosts`). Processes of a higher replica index are the
  /// spare pods a Kubernetes rolling update starts its new pods in (absent until then).
  uint32_t replicas(uint32_t service) const;
  /// Index of a certificate by domain (UINT32_MAX when absent).
  uint32_t cert_index(std::string_view domain) const;
  /// Calendar time (UTC seconds) of a simulated time.
  int64_t unix_time(Time t) const { return scenario.info.start_unix + t.ns() / 1000000000; }

  /// Listeners: a process stopped serving (crash, OOM, stop) -> its in-flight requests fail.
  std::vector<std::function<void(ProcId, RecordId cause)>> on_process_down;
  /// Listeners: a process got SIGTERM and finishes what it holds; the request path answers with
  /// on_process_drained once it holds no request (at once when idle).
  std::vector<std::function<void(ProcId)>> on_process_stopping;
  /// Listeners: a stopping process has no request left.
  std::vector<std::function<void(ProcId)>> on_process_drained;
  /// Listeners: a process became ready to serve.
  std::vector<std::function<void(ProcId, RecordId cause)>> on_process_up;
  /// Listeners: the proxy's serving certificate for a domain changed.
  std::vector<std::function<void(uint32_t cert, RecordId cause)>> on_cert_changed;
  /// Listeners: the run reached its end time (models fold their samples into `metrics`).
  std::vector<std::function<void(Time end)>> on_run_end;
};

/// Installs the request-path models (client, dns, tcp, tls, proxy, server).
void install_request_path(World& world);
/// Installs the lifecycle models (supervisor, certs, host memory, deploy steps, faults).
void install_lifecycle(World& world);

}  // namespace deploysim
