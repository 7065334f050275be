#include "deploysim/facts.hpp"

#include <stdexcept>
#include <string>

namespace deploysim {

const char* node_role_name(NodeRole r) {
  switch (r) {
    case NodeRole::client:
      return "client";
    case NodeRole::resolver:
      return "resolver";
    case NodeRole::dns_server:
      return "dns_server";
    case NodeRole::proxy:
      return "proxy";
    case NodeRole::worker:
      return "worker";
    case NodeRole::supervisor:
      return "supervisor";
    case NodeRole::ca:
      return "ca";
    case NodeRole::acme_client:
      return "acme_client";
    case NodeRole::host:
      return "host";
    case NodeRole::other:
      return "other";
  }
  return "other";
}

const char* proc_state_name(ProcState s) {
  switch (s) {
    case ProcState::none:
      return "none";
    case ProcState::starting:
      return "starting";
    case ProcState::running:
      return "running";
    case ProcState::hung:
      return "hung";
    case ProcState::exited:
      return "exited";
    case ProcState::crashed:
      return "crashed";
    case ProcState::backing_off:
      return "backing_off";
    case ProcState::failed:
      return "failed";
    case ProcState::stopped:
      return "stopped";
    case ProcState::stopping:
      return "stopping";
  }
  return "unknown";
}

namespace {

constexpr std::string_view cause_names[] = {"",
                                            "bad_url",
                                            "nxdomain",
                                            "dns_timeout",
                                            "servfail",
                                            "connection_refused",
                                            "connect_timeout",
                                            "connection_reset",
                                            "unknown_ca",
                                            "bad_certificate",
                                            "certificate_expired",
                                            "protocol_version",
                                            "internal_error",
                                            "unrecognized_name",
                                            "handshake_failure",
                                            "certificate_required",
                                            "certificate_revoked",
                                            "400",
                                            "404",
                                            "502",
                                            "503",
                                            "504"};
static_assert(std::size(cause_names) == static_cast<size_t>(FailureCause::gateway_timeout) + 1);

}  // namespace

std::string_view failure_cause_name(FailureCause c) {
  const auto i = static_cast<size_t>(c);
  return i < std::size(cause_names) ? cause_names[i] : "";
}

FailureCause failure_cause_of_alert(std::string_view alert) {
  // The model's only use of 113: its browser refuses a stapled "revoked" (tls_client_auth.cpp).
  if (alert == "bad_certificate_status_response") return FailureCause::certificate_revoked;
  for (auto c = FailureCause::unknown_ca; c <= FailureCause::certificate_revoked;
       c = static_cast<FailureCause>(static_cast<int>(c) + 1))
    if (failure_cause_name(c) == alert) return c;
  throw std::logic_error("no failure cause for TLS alert " + std::string(alert));
}

FailureCause failure_cause_of_status(int status) {
  switch (status) {
    case 400:
      return FailureCause::bad_request;
    case 404:
      return FailureCause::not_found;
    case 502:
      return FailureCause::bad_gateway;
    case 503:
      return FailureCause::service_unavailable;
    case 504:
      return FailureCause::gateway_timeout;
    default:
      throw std::logic_error("no failure cause for HTTP status " + std::to_string(status));
  }
}

}  // namespace deploysim
