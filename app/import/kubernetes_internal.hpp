#pragma once
// Shared by kubernetes.cpp (Deployments and Jobs) and kubernetes_ingress.cpp (Services,
// Ingresses, cert-manager Certificates and Issuers): the manifests of every file, by kind.
#include <map>
#include <set>
#include <string>
#include <vector>

#include "import/import_yaml.hpp"

namespace deploysim::import {

/// One manifest (a YAML document with apiVersion and kind).
struct Manifest {
  std::string file;
  YAML::Node doc;
  std::string kind;
  std::string name;
  SourcePos pos(const YAML::Node& n) const { return pos_of(file, n); }
  SourcePos at() const { return pos_of(file, doc); }
  /// The line of `key` in `map` (what a value read from that key cites).
  SourcePos key(const YAML::Node& map, const char* k) const { return key_pos(file, map, k); }
  /// The `kind:` line, and metadata.name's.
  SourcePos kind_pos() const { return key_pos(file, doc, "kind"); }
  SourcePos name_pos() const { return key_pos(file, child(doc, "metadata"), "name"); }
};

/// Every manifest, and what reading them found out.
struct K8s {
  std::vector<Manifest> manifests;
  std::map<std::string, std::map<std::string, std::string>> pod_labels;  ///< Deployment -> its pods' labels.
  std::map<std::string, std::string> workload_kind;          ///< Deployment -> its kind (Deployment, StatefulSet).
  std::set<std::string> left_out;                            ///< Workloads that are no app (a database): not modelled.
  std::map<std::string, std::string> service_to_deployment;  ///< Service -> Deployment.
  std::map<std::string, std::string> secret_to_domain;       ///< TLS Secret -> its certificate's domain.
  std::set<std::string> autoscalers_read;  ///< HorizontalPodAutoscalers whose workload was read (by name).
};

/// A resource of Traefik's Kubernetes CRD provider: apiVersion traefik.io/..., or Traefik v2's
/// traefik.containo.us/... (its TLSOptions are read in traefik_dynamic.cpp).
inline bool traefik_crd(const YAML::Node& doc) {
  const std::string api = scalar(child(doc, "apiVersion"));
  return api.starts_with("traefik.io/") || api.starts_with("traefik.containo.us/");
}

/// The Ingress, its routes and certificates, the cert-manager Certificates (kubernetes_ingress.cpp).
void read_services(K8s& k, Report& r);
void read_ingresses(K8s& k, Deployment& d, Report& r);
void read_certificates(K8s& k, Deployment& d, Report& r);

/// "25%" -> 25; an absolute count -> the percent of `replicas` that rounds to it (up for
/// maxSurge, down for maxUnavailable, as the Deployment controller rounds).
int rollout_percent(const YAML::Node& value, int replicas, bool round_up);

}  // namespace deploysim::import
