#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <tuple>
#include <string>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "deploysim/loopback/transcript.hpp"

namespace deploysim::loopback {

/// Frees an EVP_PKEY (unique_ptr deleter).
struct PKeyFree {
  /// Calls EVP_PKEY_free.
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
/// Frees an X509 (unique_ptr deleter).
struct X509Free {
  /// Calls X509_free.
  void operator()(X509* c) const { X509_free(c); }
};
/// An owned private key (in memory only).
using PKeyPtr = std::unique_ptr<EVP_PKEY, PKeyFree>;
/// An owned certificate.
using X509Ptr = std::unique_ptr<X509, X509Free>;

/// What a leaf certificate should say.
struct LeafSpec {
  std::vector<std::string> names;     ///< subjectAltName DNS names; the first is also the CN.
  int64_t not_before = 0;             ///< notBefore, UTC seconds since the epoch.
  int64_t not_after = 0;              ///< notAfter, UTC seconds since the epoch.
  KeyType key = KeyType::ecdsa_p256;  ///< Key algorithm.
};

/// A certificate with its private key and the chain a server sends after it.
struct Credential {
  X509Ptr cert;              ///< The leaf (or self-signed) certificate.
  PKeyPtr key;               ///< Its private key; never written to disk by deploysim.
  std::vector<X509*> chain;  ///< Extra certificates to send (borrowed; owned by the CA).
  std::string label;         ///< What it is, for messages ("api.example.test", ...).
};

/// A local certificate authority: a self-signed root that signs leaf certificates in memory.
class CertAuthority {
 public:
  /// Generates a root key and certificate named `common_name`, valid over [not_before, not_after].
  CertAuthority(const std::string& common_name, int64_t not_before, int64_t not_after,
                KeyType key = KeyType::ecdsa_p256);
  /// Issues a leaf for `spec`; with `send_root` the root is appended to the chain the server sends.
  Credential issue(const LeafSpec& spec, bool send_root = false) const;
  /// Issues a client certificate (extendedKeyUsage clientAuth, no subjectAltName) for mutual TLS.
  Credential issue_client(const std::string& common_name, int64_t not_before, int64_t not_after) const;
  /// A DER OCSPResponse this CA signs for `leaf` (one it issued): good or revoked, valid from
  /// `this_update` to `next_update` (UTC seconds); producedAt is `this_update`.
  std::vector<uint8_t> ocsp_response(X509* leaf, bool revoked, int64_t this_update, int64_t next_update) const;
  /// The root certificate (borrowed).
  X509* certificate() const { return cert_.get(); }
  /// The root certificate as PEM text (never the key).
  std::string certificate_pem() const;

 private:
  PKeyPtr key_;
  X509Ptr cert_;
  mutable uint64_t next_serial_ = 2;
};

/// A self-signed leaf for `spec` (no CA): clients report X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT.
Credential self_signed(const LeafSpec& spec);

/// Generates a private key of the given type.
PKeyPtr generate_key(KeyType key);

/// The PEM text of a certificate.
std::string to_pem(X509* cert);

/// The certificates of one process: a trusted and an untrusted root, and leaves generated once
/// per (name, validity, trust, key type) and then reused.
class CertStore {
 public:
  /// Generates both roots (valid 2000-01-01 .. 2099-12-31) with the given key type.
  explicit CertStore(KeyType root_key = KeyType::ecdsa_p256);
  /// The leaf for `name` (and `alt_names`) valid over [not_before, not_after] in the given trust
  /// variant.
  const Credential& leaf(const std::string& name, int64_t not_before, int64_t not_after, CertTrust trust,
                         KeyType key = KeyType::ecdsa_p256, const std::vector<std::string>& alt_names = {});
  /// The root the client trusts.
  const CertAuthority& trusted_ca() const { return trusted_; }
  /// A root nobody trusts.
  const CertAuthority& untrusted_ca() const { return untrusted_; }
  /// Number of leaves generated so far.
  size_t leaves_generated() const { return leaves_.size(); }
  /// The client certificate for mutual TLS, issued by the trusted root or (`trusted` false) by the
  /// untrusted one; generated once.
  const Credential& client(bool trusted);
  /// The trusted root's OCSP response for `leaf` (a week from `this_update`), made once.
  const std::vector<uint8_t>& ocsp(const Credential& leaf, bool revoked, int64_t this_update);

 private:
  using Key = std::tuple<std::string, int64_t, int64_t, CertTrust, KeyType, std::vector<std::string>>;
  CertAuthority trusted_;
  CertAuthority untrusted_;
  std::map<Key, std::unique_ptr<Credential>> leaves_;
  std::unique_ptr<Credential> clients_[2];
  std::map<std::tuple<X509*, bool, int64_t>, std::vector<uint8_t>> ocsp_;
};

}  // namespace deploysim::loopback
