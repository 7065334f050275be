#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace deploysim {

/// How a registered key is used in a trace.
enum class KeyUse : uint8_t {
  kind,           ///< A record kind, narrated by its own sentence unless a narration key is given.
  kind_via_keys,  ///< A record kind always narrated through one of its narration keys (no sentence of its own).
  narration,      ///< A narration key only (a variant of a kind's sentence, e.g. "process.ready.unversioned").
};

/// Every record kind and narration key the models emit: X(identifier, "dotted.key", KeyUse).
/// A key is spelled here once; the models, the app and the narration tests use these names, and
/// a test fails when a key has no sentence in a shipped language or a sentence names no key here.
#define DEPLOYSIM_TRACE_KEYS(X)                                                                                  \
  X(cert_acme_authorization, "cert.acme.authorization", kind)                                                    \
  X(cert_acme_challenge, "cert.acme.challenge", kind)                                                            \
  X(cert_acme_finalize, "cert.acme.finalize", kind)                                                              \
  X(cert_acme_no_usable_challenge, "cert.acme.no_usable_challenge", kind)                                        \
  X(cert_acme_order, "cert.acme.order", kind)                                                                    \
  X(cert_acme_rate_limited, "cert.acme.rate_limited", kind_via_keys)                                             \
  X(cert_acme_rate_limited_duplicates, "cert.acme.rate_limited.duplicates", narration)                           \
  X(cert_acme_rate_limited_failed_authorizations, "cert.acme.rate_limited.failed_authorizations", narration)     \
  X(cert_acme_rate_limited_registered_domain, "cert.acme.rate_limited.registered_domain", narration)             \
  X(cert_acme_validated, "cert.acme.validated", kind)                                                            \
  X(cert_acme_validation_failed, "cert.acme.validation_failed", kind_via_keys)                                   \
  X(cert_acme_validation_failed_port80, "cert.acme.validation_failed.port80", narration)                         \
  X(cert_acme_validation_failed_refused, "cert.acme.validation_failed.refused", narration)                       \
  X(cert_expired, "cert.expired", kind)                                                                          \
  X(cert_issued, "cert.issued", kind)                                                                            \
  X(cert_issued_provider, "cert.issued.provider", narration)                                                     \
  X(cert_issued_private_ca, "cert.issued.private_ca", narration)                                                 \
  X(cert_no_renewer, "cert.no_renewer", kind)                                                                    \
  X(cert_not_reloaded, "cert.not_reloaded", kind)                                                                \
  X(cert_provider_validated, "cert.provider.validated", kind)                                                    \
  X(cert_reloaded, "cert.reloaded", kind)                                                                        \
  X(cert_reloaded_caddy, "cert.reloaded.caddy", narration)                                                       \
  X(cert_reloaded_cert_manager, "cert.reloaded.cert-manager", narration)                                         \
  X(cert_reloaded_certbot, "cert.reloaded.certbot", narration)                                                   \
  X(cert_reloaded_provider, "cert.reloaded.provider", narration)                                                 \
  X(cert_reloaded_restart, "cert.reloaded.restart", narration)                                                   \
  X(cert_reloaded_traefik, "cert.reloaded.traefik", narration)                                                   \
  X(cert_renew_due, "cert.renew_due", kind)                                                                      \
  X(cert_renew_due_missing, "cert.renew_due.missing", narration)                                                 \
  X(cert_renew_due_provider, "cert.renew_due.provider", narration)                                               \
  X(cert_renew_due_expired, "cert.renew_due.expired", narration)                                                 \
  X(cert_storage_lost, "cert.storage_lost", kind)                                                                \
  X(client_error, "client.error", kind)                                                                          \
  X(client_error_http, "client.error.http", narration)                                                           \
  X(client_request, "client.request", kind)                                                                      \
  X(client_response, "client.response", kind)                                                                    \
  X(deploy_installed, "deploy.installed", kind)                                                                  \
  X(deploy_job_done, "deploy.job_done", kind)                                                                    \
  X(deploy_job_start, "deploy.job_start", kind)                                                                  \
  X(deploy_lock_wait, "deploy.lock_wait", kind)                                                                  \
  X(deploy_pre_start_begin, "deploy.pre_start_begin", kind)                                                      \
  X(deploy_pre_start_begin_locked, "deploy.pre_start_begin.locked", narration)                                   \
  X(deploy_pre_start_done, "deploy.pre_start_done", kind)                                                        \
  X(deploy_pre_start_failed, "deploy.pre_start_failed", kind)                                                    \
  X(deploy_pre_start_noop, "deploy.pre_start_noop", kind)                                                        \
  X(deploy_pre_start_noop_locked, "deploy.pre_start_noop.locked", narration)                                     \
  X(deploy_progress_deadline_exceeded, "deploy.progress_deadline_exceeded", kind)                                \
  X(deploy_resolve, "deploy.resolve", kind_via_keys)                                                             \
  X(deploy_resolve_breaking, "deploy.resolve.breaking", narration)                                               \
  X(deploy_resolve_same, "deploy.resolve.same", narration)                                                       \
  X(deploy_resolve_upgrade, "deploy.resolve.upgrade", narration)                                                 \
  X(deploy_resolve_failed, "deploy.resolve_failed", kind)                                                        \
  X(deploy_rolling_update, "deploy.rolling_update", kind)                                                        \
  X(deploy_rolling_update_fencepost, "deploy.rolling_update.fencepost", narration)                               \
  X(deploy_rolling_update_fencepost_unversioned, "deploy.rolling_update.fencepost.unversioned", narration)       \
  X(deploy_rolling_update_in_place, "deploy.rolling_update.in_place", narration)                                 \
  X(deploy_rolling_update_in_place_unversioned, "deploy.rolling_update.in_place.unversioned", narration)         \
  X(deploy_rolling_update_no_readiness, "deploy.rolling_update.no_readiness", narration)                         \
  X(deploy_rolling_update_no_readiness_unversioned, "deploy.rolling_update.no_readiness.unversioned", narration) \
  X(deploy_rolling_update_unversioned, "deploy.rolling_update.unversioned", narration)                           \
  X(deploy_rollout, "deploy.rollout", kind)                                                                      \
  X(deploy_rollout_recreate, "deploy.rollout.recreate", narration)                                               \
  X(deploy_rollout_recreate_unversioned, "deploy.rollout.recreate.unversioned", narration)                       \
  X(deploy_rollout_unversioned, "deploy.rollout.unversioned", narration)                                         \
  X(deploy_rollout_done, "deploy.rollout_done", kind)                                                            \
  X(deploy_rollout_done_unversioned, "deploy.rollout_done.unversioned", narration)                               \
  X(deploy_scale_down, "deploy.scale_down", kind)                                                                \
  X(deploy_scale_down_in_place, "deploy.scale_down.in_place", narration)                                         \
  X(deploy_scale_down_unhealthy, "deploy.scale_down.unhealthy", narration)                                       \
  X(deploy_scale_down_unhealthy_in_place, "deploy.scale_down.unhealthy.in_place", narration)                     \
  X(deploy_scale_up, "deploy.scale_up", kind)                                                                    \
  X(deploy_scale_up_in_place, "deploy.scale_up.in_place", narration)                                             \
  X(deploy_tests_failed, "deploy.tests_failed", kind)                                                            \
  X(deploy_tests_passed, "deploy.tests_passed", kind)                                                            \
  X(dns_answer, "dns.answer", kind)                                                                              \
  X(dns_cache_hit, "dns.cache_hit", kind)                                                                        \
  X(dns_cache_hit_negative, "dns.cache_hit.negative", narration)                                                 \
  X(dns_cache_miss, "dns.cache_miss", kind)                                                                      \
  X(dns_cache_miss_disabled, "dns.cache_miss.disabled", narration)                                               \
  X(dns_nxdomain, "dns.nxdomain", kind)                                                                          \
  X(dns_query, "dns.query", kind)                                                                                \
  X(dns_query_retry, "dns.query.retry", narration)                                                               \
  X(dns_query_stub, "dns.query.stub", narration)                                                                 \
  X(dns_query_stub_doh, "dns.query.stub.doh", narration)                                                         \
  X(dns_referral, "dns.referral", kind)                                                                          \
  X(dns_response, "dns.response", kind)                                                                          \
  X(dns_response_ech, "dns.response.ech", narration)                                                             \
  X(dns_response_nxdomain, "dns.response.nxdomain", narration)                                                   \
  X(dns_response_servfail, "dns.response.servfail", narration)                                                   \
  X(dns_stub_cache_hit, "dns.stub_cache_hit", kind)                                                              \
  X(dns_stub_cache_hit_negative, "dns.stub_cache_hit.negative", narration)                                       \
  X(dns_timeout, "dns.timeout", kind)                                                                            \
  X(endpoints_added, "endpoints.added", kind)                                                                    \
  X(endpoints_added_ready, "endpoints.added.ready", narration)                                                   \
  X(endpoints_added_ready_again, "endpoints.added.ready_again", narration)                                       \
  X(endpoints_removed, "endpoints.removed", kind)                                                                \
  X(endpoints_removed_exited, "endpoints.removed.exited", narration)                                             \
  X(endpoints_removed_gone, "endpoints.removed.gone", narration)                                                 \
  X(endpoints_removed_not_ready, "endpoints.removed.not_ready", narration)                                       \
  X(endpoints_removed_terminating, "endpoints.removed.terminating", narration)                                   \
  X(fault_block_port_80, "fault.block-port-80", kind)                                                            \
  X(fault_block_port_80_end, "fault.block-port-80.end", kind)                                                    \
  X(fault_clock_skew, "fault.clock-skew", kind)                                                                  \
  X(fault_clock_skew_end, "fault.clock-skew.end", kind)                                                          \
  X(fault_crash, "fault.crash", kind)                                                                            \
  X(fault_crash_on_start, "fault.crash-on-start", kind)                                                          \
  X(fault_crash_on_start_end, "fault.crash-on-start.end", kind)                                                  \
  X(fault_crash_on_start_for_good, "fault.crash-on-start.for_good", narration)                                   \
  X(fault_dns_outage, "fault.dns-outage", kind)                                                                  \
  X(fault_dns_outage_end, "fault.dns-outage.end", kind)                                                          \
  X(fault_dns_outage_for_good, "fault.dns-outage.for_good", narration)                                           \
  X(fault_hang, "fault.hang", kind)                                                                              \
  X(fault_hang_worker, "fault.hang.worker", narration)                                                           \
  X(fault_hang_end, "fault.hang.end", kind)                                                                      \
  X(fault_oom, "fault.oom", kind)                                                                                \
  X(fault_random_crash, "fault.random_crash", kind)                                                              \
  X(fault_reboot, "fault.reboot", kind)                                                                          \
  X(fault_reboot_end, "fault.reboot.end", kind)                                                                  \
  X(fault_redeploy, "fault.redeploy", kind)                                                                      \
  X(fault_redeploy_proxy, "fault.redeploy.proxy", narration)                                                     \
  X(fault_target_missing, "fault.target_missing", kind)                                                          \
  X(host_boot, "host.boot", kind)                                                                                \
  X(host_reboot, "host.reboot", kind)                                                                            \
  X(http_request, "http.request", kind)                                                                          \
  X(http_request_early_data_refused, "http.request.early_data_refused", narration)                               \
  X(http_request_too_early_retry, "http.request.too_early_retry", narration)                                     \
  X(http_response, "http.response", kind)                                                                        \
  X(http_response_error, "http.response.error", narration)                                                       \
  X(memory_limit_kill, "memory.limit_kill", kind)                                                                \
  X(memory_oom_kill, "memory.oom_kill", kind)                                                                    \
  X(probe_liveness_failed, "probe.liveness_failed", kind)                                                        \
  X(probe_liveness_failed_refused, "probe.liveness_failed.refused", narration)                                   \
  X(probe_readiness_failed, "probe.readiness_failed", kind)                                                      \
  X(probe_startup_failed, "probe.startup_failed", kind)                                                          \
  X(probe_startup_succeeded, "probe.startup_succeeded", kind)                                                    \
  X(process_exit, "process.exit", kind)                                                                          \
  X(process_exit_killed_after_grace, "process.exit.killed_after_grace", narration)                               \
  X(process_exit_bad_build_workers, "process.exit.bad_build_workers", narration)                                 \
  X(process_exit_init_container, "process.exit.init_container", narration)                                       \
  X(process_exit_oom, "process.exit.oom", narration)                                                             \
  X(process_exit_signal, "process.exit.signal", narration)                                                       \
  X(process_exit_stopped, "process.exit.stopped", narration)                                                     \
  X(process_hang, "process.hang", kind)                                                                          \
  X(process_hang_gunicorn, "process.hang.gunicorn", narration)                                                   \
  X(process_ready, "process.ready", kind)                                                                        \
  X(process_ready_readiness, "process.ready.readiness", narration)                                               \
  X(process_ready_readiness_unversioned, "process.ready.readiness.unversioned", narration)                       \
  X(process_ready_unversioned, "process.ready.unversioned", narration)                                           \
  X(process_sigterm, "process.sigterm", kind_via_keys)                                                           \
  X(process_sigterm_hung, "process.sigterm.hung", narration)                                                     \
  X(process_sigterm_hung_gunicorn, "process.sigterm.hung.gunicorn", narration)                                   \
  X(process_sigterm_serving, "process.sigterm.serving", narration)                                               \
  X(process_sigterm_starting, "process.sigterm.starting", narration)                                             \
  X(process_start, "process.start", kind)                                                                        \
  X(process_start_created, "process.start.created", narration)                                                   \
  X(process_start_deploy, "process.start.deploy", narration)                                                     \
  X(process_terminate, "process.terminate", kind_via_keys)                                                       \
  X(process_terminate_hung, "process.terminate.hung", narration)                                                 \
  X(process_terminate_hung_gunicorn, "process.terminate.hung.gunicorn", narration)                               \
  X(process_terminate_not_running, "process.terminate.not_running", narration)                                   \
  X(process_terminate_no_kill, "process.terminate.no_kill", narration)                                           \
  X(process_terminate_pre_stop, "process.terminate.pre_stop", narration)                                         \
  X(process_terminate_serving, "process.terminate.serving", narration)                                           \
  X(process_terminate_starting, "process.terminate.starting", narration)                                         \
  X(process_worker_exit, "process.worker_exit", kind)                                                            \
  X(process_worker_exit_oom, "process.worker_exit.oom", narration)                                               \
  X(process_worker_exit_all, "process.worker_exit.all", narration)                                               \
  X(process_worker_exit_arbiter, "process.worker_exit.arbiter", narration)                                       \
  X(proxy_client_cert_refused, "proxy.client_cert_refused", kind)                                                \
  X(proxy_connect_timeout, "proxy.connect_timeout", kind)                                                        \
  X(proxy_forward, "proxy.forward", kind)                                                                        \
  X(proxy_forward_backlog, "proxy.forward.backlog", narration)                                                   \
  X(proxy_forward_early_data, "proxy.forward.early_data", narration)                                             \
  X(proxy_forward_plain, "proxy.forward.plain", narration)                                                       \
  X(proxy_next_upstream, "proxy.next_upstream", kind)                                                            \
  X(proxy_next_upstream_sent, "proxy.next_upstream.sent", narration)                                             \
  X(proxy_next_upstream_timeout, "proxy.next_upstream.timeout", narration)                                       \
  X(proxy_no_endpoints, "proxy.no_endpoints", kind)                                                              \
  X(proxy_no_route, "proxy.no_route", kind)                                                                      \
  X(proxy_route, "proxy.route", kind)                                                                            \
  X(proxy_restarted, "proxy.restarted", kind)                                                                    \
  X(proxy_restarted_recreated, "proxy.restarted.recreated", narration)                                           \
  X(proxy_retry, "proxy.retry", kind)                                                                            \
  X(proxy_retry_timeout, "proxy.retry.timeout", narration)                                                       \
  X(proxy_syn_unanswered, "proxy.syn_unanswered", kind)                                                          \
  X(proxy_syn_unanswered_again, "proxy.syn_unanswered.again", narration)                                         \
  X(proxy_timeout, "proxy.timeout", kind)                                                                        \
  X(proxy_timeout_backlog, "proxy.timeout.backlog", narration)                                                   \
  X(proxy_upstream_error, "proxy.upstream_error", kind)                                                          \
  X(proxy_upstream_error_haproxy, "proxy.upstream_error.haproxy", narration)                                     \
  X(proxy_upstream_error_timeout, "proxy.upstream_error.timeout", narration)                                     \
  X(server_handle, "server.handle", kind)                                                                        \
  X(server_handle_headers_off, "server.handle.headers_off", narration)                                           \
  X(server_handle_no_headers, "server.handle.no_headers", narration)                                             \
  X(server_handle_untrusted, "server.handle.untrusted", narration)                                               \
  X(server_queued, "server.queued", kind)                                                                        \
  X(server_queued_hung, "server.queued.hung", narration)                                                         \
  X(server_reject, "server.reject", kind)                                                                        \
  X(server_respawn, "server.respawn", kind)                                                                      \
  X(server_respawn_scheduled, "server.respawn_scheduled", kind)                                                  \
  X(server_respawn_scheduled_at_once, "server.respawn_scheduled.at_once", narration)                             \
  X(server_response, "server.response", kind)                                                                    \
  X(server_response_too_early, "server.response.too_early", narration)                                           \
  X(server_shutdown_timeout, "server.shutdown_timeout", kind)                                                    \
  X(server_shutdown_timeout_gunicorn, "server.shutdown_timeout.gunicorn", narration)                             \
  X(server_worker_lost, "server.worker_lost", kind)                                                              \
  X(supervisor_boot_skip, "supervisor.boot_skip", kind_via_keys)                                                 \
  X(supervisor_boot_skip_docker_daemon_disabled, "supervisor.boot_skip.docker-daemon-disabled", narration)       \
  X(supervisor_boot_skip_not_enabled, "supervisor.boot_skip.not-enabled", narration)                             \
  X(supervisor_boot_skip_unsupervised, "supervisor.boot_skip.unsupervised", narration)                           \
  X(supervisor_boot_start, "supervisor.boot_start", kind_via_keys)                                               \
  X(supervisor_boot_start_enabled, "supervisor.boot_start.enabled", narration)                                   \
  X(supervisor_give_up, "supervisor.give_up", kind)                                                              \
  X(supervisor_give_up_failed, "supervisor.give_up.failed", narration)                                           \
  X(supervisor_give_up_fatal, "supervisor.give_up.fatal", narration)                                             \
  X(supervisor_give_up_max_retries, "supervisor.give_up.max_retries", narration)                                 \
  X(supervisor_give_up_start_limit, "supervisor.give_up.start_limit", narration)                                 \
  X(supervisor_give_up_start_limit_deploy, "supervisor.give_up.start_limit.deploy", narration)                   \
  X(supervisor_kill, "supervisor.kill", kind)                                                                    \
  X(supervisor_no_restart, "supervisor.no_restart", kind)                                                        \
  X(supervisor_no_restart_policy, "supervisor.no_restart.policy", narration)                                     \
  X(supervisor_no_restart_stopped, "supervisor.no_restart.stopped", narration)                                   \
  X(supervisor_no_restart_unsupervised, "supervisor.no_restart.unsupervised", narration)                         \
  X(supervisor_oom_policy, "supervisor.oom_policy", kind_via_keys)                                               \
  X(supervisor_oom_policy_group, "supervisor.oom_policy.group", narration)                                       \
  X(supervisor_oom_policy_kill, "supervisor.oom_policy.kill", narration)                                         \
  X(supervisor_oom_policy_stop, "supervisor.oom_policy.stop", narration)                                         \
  X(supervisor_restart, "supervisor.restart", kind)                                                              \
  X(supervisor_restart_scheduled, "supervisor.restart_scheduled", kind_via_keys)                                 \
  X(supervisor_restart_scheduled_backoff, "supervisor.restart_scheduled.backoff", narration)                     \
  X(supervisor_restart_scheduled_first_exit, "supervisor.restart_scheduled.first_exit", narration)               \
  X(supervisor_restart_scheduled_backoff_reset, "supervisor.restart_scheduled.backoff_reset", narration)         \
  X(supervisor_restart_scheduled_policy, "supervisor.restart_scheduled.policy", narration)                       \
  X(tcp_ack, "tcp.ack", kind)                                                                                    \
  X(tcp_reuse, "tcp.reuse", kind)                                                                                \
  X(tcp_rst, "tcp.rst", kind)                                                                                    \
  X(tcp_rst_proxy_gone, "tcp.rst.proxy_gone", narration)                                                         \
  X(tcp_syn, "tcp.syn", kind)                                                                                    \
  X(tcp_syn_ack, "tcp.syn_ack", kind)                                                                            \
  X(tcp_syn_retransmit, "tcp.syn_retransmit", kind)                                                              \
  X(tls_alert, "tls.alert", kind_via_keys)                                                                       \
  X(tls_alert_client, "tls.alert.client", narration)                                                             \
  X(tls_alert_client_revoked, "tls.alert.client.revoked", narration)                                             \
  X(tls_alert_server, "tls.alert.server", narration)                                                             \
  X(tls_alert_server_client_cert_missing, "tls.alert.server.client_cert_missing", narration)                     \
  X(tls_alert_server_client_cert_untrusted, "tls.alert.server.client_cert_untrusted", narration)                 \
  X(tls_certificate, "tls.certificate", kind_via_keys)                                                           \
  X(tls_certificate_client, "tls.certificate.client", narration)                                                 \
  X(tls_certificate_client_empty, "tls.certificate.client.empty", narration)                                     \
  X(tls_certificate_client_untrusted, "tls.certificate.client.untrusted", narration)                             \
  X(tls_certificate_default, "tls.certificate.default", narration)                                               \
  X(tls_certificate_default_stapled, "tls.certificate.default.stapled", narration)                               \
  X(tls_certificate_sni, "tls.certificate.sni", narration)                                                       \
  X(tls_certificate_sni_stapled, "tls.certificate.sni.stapled", narration)                                       \
  X(tls_certificate_request, "tls.certificate_request", kind)                                                    \
  X(tls_certificate_request_optional, "tls.certificate_request.optional", narration)                             \
  X(tls_certificate_status, "tls.certificate_status", kind_via_keys)                                             \
  X(tls_certificate_status_good, "tls.certificate_status.good", narration)                                       \
  X(tls_certificate_status_revoked, "tls.certificate_status.revoked", narration)                                 \
  X(tls_certificate_verify, "tls.certificate_verify", kind)                                                      \
  X(tls_certificate_verify_client, "tls.certificate_verify.client", narration)                                   \
  X(tls_change_cipher_spec, "tls.change_cipher_spec", kind_via_keys)                                             \
  X(tls_change_cipher_spec_client, "tls.change_cipher_spec.client", narration)                                   \
  X(tls_change_cipher_spec_server, "tls.change_cipher_spec.server", narration)                                   \
  X(tls_client_hello, "tls.client_hello", kind)                                                                  \
  X(tls_client_hello_by_ip, "tls.client_hello.by_ip", narration)                                                 \
  X(tls_client_hello_ech, "tls.client_hello.ech", narration)                                                     \
  X(tls_client_hello_ech_no_config, "tls.client_hello.ech.no_config", narration)                                 \
  X(tls_client_hello_ech_no_tls13, "tls.client_hello.ech.no_tls13", narration)                                   \
  X(tls_client_hello_ech_not_in_dns, "tls.client_hello.ech.not_in_dns", narration)                               \
  X(tls_client_hello_no_sni, "tls.client_hello.no_sni", narration)                                               \
  X(tls_client_hello_resume, "tls.client_hello.resume", narration)                                               \
  X(tls_client_hello_resume_early_data, "tls.client_hello.resume_early_data", narration)                         \
  X(tls_client_hello_retry, "tls.client_hello.retry", narration)                                                 \
  X(tls_client_key_exchange, "tls.client_key_exchange", kind)                                                    \
  X(tls_early_data, "tls.early_data", kind)                                                                      \
  X(tls_early_data_unsafe, "tls.early_data.unsafe", narration)                                                   \
  X(tls_early_data_refused, "tls.early_data.refused", narration)                                                 \
  X(tls_encrypted_extensions, "tls.encrypted_extensions", kind)                                                  \
  X(tls_encrypted_extensions_early_data_accepted, "tls.encrypted_extensions.early_data_accepted", narration)     \
  X(tls_encrypted_extensions_early_data_refused, "tls.encrypted_extensions.early_data_refused", narration)       \
  X(tls_encrypted_extensions_no_alpn, "tls.encrypted_extensions.no_alpn", narration)                             \
  X(tls_end_of_early_data, "tls.end_of_early_data", kind)                                                        \
  X(tls_established, "tls.established", kind)                                                                    \
  X(tls_finished, "tls.finished", kind_via_keys)                                                                 \
  X(tls_finished_client, "tls.finished.client", narration)                                                       \
  X(tls_finished_client_resumed, "tls.finished.client.resumed", narration)                                       \
  X(tls_finished_client_resumed_early_data, "tls.finished.client.resumed.early_data", narration)                 \
  X(tls_finished_client_tls12, "tls.finished.client.tls12", narration)                                           \
  X(tls_finished_server, "tls.finished.server", narration)                                                       \
  X(tls_hello_retry_request, "tls.hello_retry_request", kind)                                                    \
  X(tls_new_session_ticket, "tls.new_session_ticket", kind)                                                      \
  X(tls_new_session_ticket_early_data, "tls.new_session_ticket.early_data", narration)                           \
  X(tls_new_session_ticket_tls12, "tls.new_session_ticket.tls12", narration)                                     \
  X(tls_server_hello, "tls.server_hello", kind)                                                                  \
  X(tls_server_hello_resumed, "tls.server_hello.resumed", narration)                                             \
  X(tls_server_hello_resumed_tls12, "tls.server_hello.resumed.tls12", narration)                                 \
  X(tls_server_hello_ticket_rejected, "tls.server_hello.ticket_rejected", narration)                             \
  X(tls_server_hello_ticket_spent, "tls.server_hello.ticket_spent", narration)                                   \
  X(tls_server_hello_tls12, "tls.server_hello.tls12", narration)                                                 \
  X(tls_server_hello_done, "tls.server_hello_done", kind)                                                        \
  X(tls_server_key_exchange, "tls.server_key_exchange", kind)

/// The registered keys' texts, one after the other in one constant block (each with its NUL),
/// so that the trace can tell a registered key by its address: nothing else lives there and
/// nothing ever rewrites it.
namespace key_text {
#define DEPLOYSIM_KEY_INDEX(id, text, use) id,
enum Index : uint16_t { DEPLOYSIM_TRACE_KEYS(DEPLOYSIM_KEY_INDEX) key_count_ };
#undef DEPLOYSIM_KEY_INDEX
#define DEPLOYSIM_KEY_SIZE(id, text, use) sizeof(text),
inline constexpr std::array<size_t, key_count_> sizes{DEPLOYSIM_TRACE_KEYS(DEPLOYSIM_KEY_SIZE)};
#undef DEPLOYSIM_KEY_SIZE
inline constexpr std::array<size_t, key_count_ + 1> offsets = [] {
  std::array<size_t, key_count_ + 1> o{};
  for (size_t i = 0; i < key_count_; ++i) o[i + 1] = o[i] + sizes[i];
  return o;
}();
struct Block {
  char text[offsets[key_count_]];
};
inline constexpr Block block = [] {
  Block b{};
  size_t at = 0;
  const auto put = [&](const char* t, size_t n) {
    for (size_t i = 0; i < n; ++i) b.text[at++] = t[i];
  };
#define DEPLOYSIM_KEY_PUT(id, text, use) put(text, sizeof(text));
  DEPLOYSIM_TRACE_KEYS(DEPLOYSIM_KEY_PUT)
#undef DEPLOYSIM_KEY_PUT
  return b;
}();
/// A key's text in the block.
constexpr std::string_view view(Index i) { return {block.text + offsets[i], sizes[i] - 1}; }
}  // namespace key_text

/// Whether p points into the registered keys' block (a text the trace may know by its address).
inline bool in_key_block(const char* p) {
  return !std::less<const char*>{}(p, key_text::block.text) &&
         std::less<const char*>{}(p, key_text::block.text + sizeof key_text::block.text);
}

/// The registered keys as named constants: `kinds::process_ready` is "process.ready".
namespace kinds {
#define DEPLOYSIM_KEY_CONSTANT(id, text, use) inline constexpr std::string_view id = key_text::view(key_text::id);
DEPLOYSIM_TRACE_KEYS(DEPLOYSIM_KEY_CONSTANT)
#undef DEPLOYSIM_KEY_CONSTANT
}  // namespace kinds

/// One registered key.
struct KeyEntry {
  std::string_view key;  ///< Dotted text.
  KeyUse use;            ///< How the trace uses it.
};

/// All registered keys, in the order of the list above (sorted by text).
inline constexpr auto all_keys = std::to_array<KeyEntry>({
#define DEPLOYSIM_KEY_ENTRY(id, text, use) {kinds::id, KeyUse::use},
    DEPLOYSIM_TRACE_KEYS(DEPLOYSIM_KEY_ENTRY)
#undef DEPLOYSIM_KEY_ENTRY
});

/// The registry entry of a key (nullptr when the key is not registered).
constexpr const KeyEntry* find_key(std::string_view key) {
  for (const KeyEntry& e : all_keys)
    if (e.key == key) return &e;
  return nullptr;
}

/// The registered key nearest to a mistyped one ("supervisor.giveup" -> "supervisor.give_up"),
/// if one is near enough to be a likely typo (kinds.cpp).
std::optional<std::string> closest_key(std::string_view key);

/// A key composed at run time ("fault." + a fault name), checked against the registry: throws
/// std::logic_error for an unregistered one, so a renamed enum name cannot slip into a trace.
inline std::string registered(std::string key) {
  if (!find_key(key)) throw std::logic_error("trace key not in kinds.hpp: " + key);
  return key;
}

}  // namespace deploysim
