#pragma once
// Internal state of the lifecycle models. One LifeModel per run; its member functions are split
// by concept: process.cpp (replicas, workers, supervisors, probes), host_memory.cpp (RSS, OOM,
// reboot), faults.cpp (scheduled and random faults), certs.cpp (ACME, renewal, reload, expiry),
// deploy.cpp (redeploys, pre-start steps, dependency resolution), rollout.cpp (all at once or
// rolling), termination.cpp (SIGTERM, grace period, draining, endpoints); lifecycle.cpp wires
// them into the World and folds the gauges into Metrics.
#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "deploysim/kinds.hpp"
#include "lifecycle/supervisor.hpp"
#include "lifecycle/versions.hpp"
#include "core/world.hpp"

namespace deploysim::life {

/// Where a replica is in its life. `stopping`: told to stop (preStop hook, SIGTERM), its process
/// not gone yet; `absent`: a spare pod place with no pod in it.
enum class UnitState : uint8_t { up, pre_start, starting, backing_off, down, failed, host_down, stopping, absent };

/// What follows once a unit that was told to stop has no process left.
enum class AfterStop : uint8_t {
  restart,   ///< Its supervisor's restart policy decides (a liveness or startup probe kill).
  start,     ///< It starts again at once (systemctl restart, docker compose up).
  remove,    ///< The pod is deleted (a rolling update scaled it down).
  recreate,  ///< Kubernetes Recreate: the new pods start once every old pod is gone.
};

/// One replica of a service: a main process (the Uvicorn manager, or the only worker) and its
/// workers, under one supervisor.
struct Unit {
  explicit Unit(const SupervisorSpec& spec) : sup(spec) {}
  uint32_t service = 0;
  uint32_t replica = 0;
  uint32_t host = 0;
  std::string name;            ///< "api", "api-2".
  NodeId node = NodeId::none;  ///< The replica's main process.
  NodeId supervisor_node = NodeId::none;
  std::vector<ProcId> workers;
  Supervisor sup;
  UnitState state = UnitState::up;
  Time started;                  ///< Last start (exec).
  Time waiting_since;            ///< Start of the current back-off wait.
  uint32_t gen = 0;              ///< Bumped on every start/stop: stale events check it.
  EventId pending;               ///< The next start / ready / crash event.
  bool bad_build = false;        ///< The deployed build crashes at start.
  std::string bad_build_reason;  ///< "ImportError ..." for the record.
  int bad_build_exit = 1;
  bool hung = false;
  uint32_t hang_seq = 0;           ///< Bumped when a hang starts or ends: stale probe events check it.
  Time exec_at;                    ///< When the app container/process was exec'd (probes count from it).
  RecordId last = RecordId::none;  ///< Latest record about it (cause of the next).
  uint32_t revision = 0;           ///< The rollout (ReplicaSet revision) whose build it runs.
  Time vacated;                    ///< When its pod went away (absent): new pods take the longest-free place.
  // Stopping (termination.cpp).
  AfterStop after = AfterStop::restart;
  UnitState stopped_from = UnitState::up;  ///< What the app was doing when told to stop.
  bool was_hung = false;                   ///< Its event loop was blocked then: SIGTERM is never handled.
  bool oom_result = false;                 ///< Stopped for systemd OOMPolicy=stop: the stop ends as oom-kill.
  bool sigterm_sent = false;
  Time sigterm_at;
  uint32_t draining = 0;  ///< Workers still finishing requests after SIGTERM.
  // Kubernetes endpoints: whether the pod is Ready (the kubelet's view, at once), and the change
  // on its way to the proxy.
  bool ready = true;
  uint32_t endpoint_seq = 0;
};

/// Per-worker lifecycle details the World's Process does not hold.
struct WorkerLife {
  uint32_t unit = 0;
  uint32_t gen = 0;
  Time spawned;  ///< When its memory started counting.
  uint64_t base_rss = 0;
  bool alive = true;         ///< Holds memory (starting, running or hung).
  uint32_t crash_token = 0;  ///< Identifies the pending random crash.
  Rng rng{0, 0};             ///< Its random-crash stream.
};

/// A service-wide migration/pre-start state for the current build.
struct ServiceLife {
  bool migration_applied = true;                  ///< The schema matches the running build.
  uint32_t lock_holder = UINT32_MAX;              ///< Unit holding the migration lock.
  std::vector<uint32_t> lock_queue;               ///< Units waiting for the migration lock.
  std::vector<std::optional<Version>> installed;  ///< Resolved version per dependency.
  std::string version_text;                       ///< "fastapi 0.45.0".
  // The build a redeploy rolls out: each replica takes it when its turn comes.
  bool next_bad_build = false;
  std::string next_bad_reason;
  std::string next_version_text;
  // Rollouts (rollout.cpp).
  uint32_t revision = 0;     ///< Bumped per rollout: units of an older revision are old pods.
  bool new_build = false;    ///< The rollout carries a new build (a redeploy, not a restart).
  bool rolling = false;      ///< A rolling update is in progress.
  bool reconciling = false;  ///< reconcile() is running: a nested call asks it to loop.
  bool reconcile_again = false;
  bool deadline_reported = false;
  uint32_t progress_seq = 0;  ///< Bumped on progress: stale deadline events check it.
  RecordId rollout_rec = RecordId::none;
};

/// A certificate's renewal state.
struct CertLife {
  NodeId renewer = NodeId::none;
  std::vector<Time> failed_validations;  ///< When validations failed in the last hour (the records show the count).
  EventId next_check;
  EventId expiry;
  bool renewing = false;
  bool order_is_renewal = false;  ///< The current order repeats a name set issued within 120 days.
  int failed_attempts = 0;        ///< Failed orders since the last issuance (cert-manager's back-off).
  std::vector<std::pair<Time, Time>> serving_history;  ///< (since, notAfter) of what was served.
};

/// Let's Encrypt's rate limits: token buckets (GCRA) by key, and when each exact set of names was
/// last issued (an order for a set issued within 120 days is a renewal).
struct AcmeLimits {
  std::map<std::string, Time> tat;          ///< Bucket key -> theoretical arrival time.
  std::map<std::string, Time> last_issued;  ///< Exact name set -> its latest issuance.
};

/// Every name a certificate covers: its domain, then its alt_names.
std::vector<std::string> certificate_names(const CertificateSpec& spec);

/// The lifecycle models of one run.
class LifeModel {
 public:
  explicit LifeModel(World& w);

  World& w;
  const Scenario& sc;
  std::vector<Unit> units;
  std::vector<WorkerLife> workers;  ///< Parallel to World::processes.
  std::vector<ServiceLife> services;
  std::vector<CertLife> certs;
  NodeId acme_node = NodeId::none;
  AcmeLimits acme_limits;
  std::vector<EventId> memory_events;  ///< Per host: the next predicted OOM.
  std::vector<EventId> limit_events;   ///< Per unit: the next predicted container OOM.
  bool sampling_memory = false;
  std::vector<Time> restart_times;                   ///< Every counted restart, for the series.
  std::vector<std::pair<Time, Time>> backoff_spans;  ///< Every back-off wait (from, to).

  /// Appends a record (respecting the trace level: lifecycle records are outcomes).
  RecordId emit(const RecordSpec& spec, std::initializer_list<FieldArg> fields = {});
  /// The same with a field list whose length is known only at run time.
  RecordId emit_fields(const RecordSpec& spec, std::span<const FieldArg> fields);

  // process.cpp
  void start_unit(uint32_t u, RecordId cause, bool deploy, bool created = false);
  void begin_exec(uint32_t u, RecordId cause);
  /// `listened`: when a readiness probe made it wait, how long after its start the app listened.
  void unit_ready(uint32_t u, uint32_t gen, std::optional<Time> listened = std::nullopt);
  void unit_exit(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause,
                 std::string_view narration = {});
  RecordId record_exit(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause,
                       std::string_view narration = {});
  void supervise_exit(uint32_t u, const ExitStatus& st, RecordId exit_rec);
  void stop_unit(uint32_t u, RecordId cause, UnitState to);
  void worker_exit(ProcId p, const ExitStatus& st, std::string_view reason, RecordId cause);
  void worker_respawn(ProcId p, uint32_t gen);
  /// After the kernel OOM-killed one of unit `u`'s processes, `effect` on the rest: stop the unit
  /// (systemd OOMPolicy=stop) or kill every process (OOMPolicy=kill, Kubernetes' memory.oom.group).
  void apply_oom_policy(uint32_t u, OomPolicy effect, RecordId cause);
  void hang(uint32_t u, RecordId cause);
  /// `socket_kept`: the replica's manager still holds the listening socket for this worker.
  void set_worker_state(ProcId p, ProcState s, RecordId cause, bool socket_kept = false);

  // termination.cpp
  void terminate(uint32_t u, RecordId cause, std::string_view reason, AfterStop after);
  void send_sigterm(uint32_t u, uint32_t gen);
  void begin_drain(uint32_t u);
  void worker_drained(ProcId p);
  void finish_stop(uint32_t u, const ExitStatus& st, std::string_view reason, RecordId cause);
  void after_stop(uint32_t u, RecordId exit_rec, const ExitStatus& st);
  void set_endpoints(uint32_t u, bool ready, RecordId cause, const char* why);

  // probes.cpp
  void plan_probes(uint32_t u);
  void schedule_hang_probes(uint32_t u, Time hung_at, bool readiness);
  void unhang(uint32_t u, RecordId cause);
  void add_backoff_time(Unit& unit);
  void count_restart();

  // host_memory.cpp
  uint64_t rss_at(ProcId p, Time t) const;
  uint64_t host_used(uint32_t h, Time t) const;
  void memory_changed(uint32_t h);
  void check_memory(uint32_t h);
  void check_limit(uint32_t u);
  void sample_memory(uint32_t h);
  void schedule_sampling();
  void reboot(uint32_t h, Time down_for, RecordId cause);
  void boot(uint32_t h, RecordId cause);

  // faults.cpp
  void install_faults();
  void apply_fault(uint32_t f);
  void end_fault(uint32_t f);
  void random_crash(ProcId p);
  void schedule_random_crash(ProcId p);

  // certs.cpp
  void install_certs();
  void schedule_check(uint32_t c, Time earliest);
  void check_cert(uint32_t c);
  void acme_order(uint32_t c, RecordId cause);
  void acme_step(uint32_t c, int step, RecordId cause);
  void provider_renew(uint32_t c, RecordId cause);
  void store_issued(uint32_t c, RecordId cause, NodeId issuer_node, Time dur);
  void set_serving(uint32_t c, const CertState& cs, RecordId cause);
  void schedule_expiry(uint32_t c);
  void reload_proxy(RecordId cause);
  /// The proxy is back after a crash or a recreate (a proxy.restarted record); its id.
  RecordId proxy_back(RecordId cause, std::string_view narration);
  void recreate_proxy(RecordId cause);
  void lose_proxy_certs(RecordId cause);

  // acme_limits.cpp
  void acme_limits_install(uint32_t c);
  bool acme_refused(uint32_t c, RecordId cause);
  void acme_count_issued(uint32_t c);
  void acme_count_failure(uint32_t c);

  // deploy.cpp
  void install_deploy();
  void redeploy(uint32_t service, RecordId cause);
  void apply_build(uint32_t u);
  void run_pre_start(uint32_t u, RecordId cause);
  void pre_start_done(uint32_t u, uint32_t gen, bool did_work);
  void release_lock(uint32_t u, RecordId cause);
  const PreStartSpec* replica_step(uint32_t service) const;

  // rollout.cpp
  void rollout(uint32_t service, RecordId cause, bool new_build = false);
  void take_build(uint32_t u);
  void reconcile(uint32_t service, RecordId cause);
  void progressed(uint32_t service);
  void recreate_done(uint32_t service, RecordId cause);

  // lifecycle.cpp
  void finish_metrics(Time end);
  void fill_lifecycle_series(Time end);
};

}  // namespace deploysim::life
