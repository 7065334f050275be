#include "deploysim/loopback/ca.hpp"

#include <stdexcept>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace deploysim::loopback {
namespace {

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("OpenSSL: ") + what + " failed");
}

void set_cn(X509_NAME* name, const std::string& cn, const char* org) {
  check(
      X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(org), -1, -1, 0) == 1,
      "X509_NAME O");
  check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) == 1,
        "X509_NAME CN");
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "X509V3_EXT_conf_nid");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// Builds an unsigned certificate with subject, validity, serial and public key set.
X509Ptr make_cert(const std::string& cn, const char* org, int64_t not_before, int64_t not_after, uint64_t serial,
                  EVP_PKEY* pub) {
  X509Ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set_uint64(X509_get_serialNumber(cert.get()), serial);
  check(ASN1_TIME_set(X509_getm_notBefore(cert.get()), static_cast<time_t>(not_before)) != nullptr, "notBefore");
  check(ASN1_TIME_set(X509_getm_notAfter(cert.get()), static_cast<time_t>(not_after)) != nullptr, "notAfter");
  set_cn(X509_get_subject_name(cert.get()), cn, org);
  X509_set_pubkey(cert.get(), pub);
  return cert;
}

std::string san_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ',';
    out += "DNS:" + n;
  }
  return out;
}

void add_leaf_extensions(X509* cert, X509* issuer, const std::vector<std::string>& names) {
  add_ext(cert, issuer, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert, issuer, NID_key_usage, "critical,digitalSignature,keyEncipherment");
  add_ext(cert, issuer, NID_ext_key_usage, "serverAuth");
  add_ext(cert, issuer, NID_subject_key_identifier, "hash");
  if (!names.empty()) add_ext(cert, issuer, NID_subject_alt_name, san_list(names));
}

}  // namespace

PKeyPtr generate_key(KeyType key) {
  PKeyPtr k(key == KeyType::rsa2048 ? EVP_RSA_gen(2048) : EVP_EC_gen("P-256"));
  check(k != nullptr, "key generation");
  return k;
}

std::string to_pem(X509* cert) {
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, cert);
  char* data = nullptr;
  const long len = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(len));
  BIO_free(bio);
  return out;
}

CertAuthority::CertAuthority(const std::string& common_name, int64_t not_before, int64_t not_after, KeyType key)
    : key_(generate_key(key)) {
  cert_ = make_cert(common_name, "deploysim", not_before, not_after, 1, key_.get());
  X509_set_issuer_name(cert_.get(), X509_get_subject_name(cert_.get()));
  add_ext(cert_.get(), cert_.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert_.get(), cert_.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert_.get(), cert_.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(cert_.get(), key_.get(), EVP_sha256()) > 0, "X509_sign (CA)");
}

Credential CertAuthority::issue(const LeafSpec& spec, bool send_root) const {
  Credential c;
  c.key = generate_key(spec.key);
  const std::string cn = spec.names.empty() ? std::string("unnamed") : spec.names.front();
  c.cert = make_cert(cn, "deploysim", spec.not_before, spec.not_after, next_serial_++, c.key.get());
  X509_set_issuer_name(c.cert.get(), X509_get_subject_name(cert_.get()));
  add_leaf_extensions(c.cert.get(), cert_.get(), spec.names);
  add_ext(c.cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(c.cert.get(), key_.get(), EVP_sha256()) > 0, "X509_sign (leaf)");
  if (send_root) c.chain.push_back(cert_.get());
  c.label = cn;
  return c;
}

Credential CertAuthority::issue_client(const std::string& common_name, int64_t not_before, int64_t not_after) const {
  Credential c;
  c.key = generate_key(KeyType::ecdsa_p256);
  c.cert = make_cert(common_name, "deploysim clients", not_before, not_after, next_serial_++, c.key.get());
  X509_set_issuer_name(c.cert.get(), X509_get_subject_name(cert_.get()));
  add_ext(c.cert.get(), cert_.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_ext(c.cert.get(), cert_.get(), NID_key_usage, "critical,digitalSignature");
  add_ext(c.cert.get(), cert_.get(), NID_ext_key_usage, "clientAuth");  // OpenSSL's server checks it
  add_ext(c.cert.get(), cert_.get(), NID_subject_key_identifier, "hash");
  add_ext(c.cert.get(), cert_.get(), NID_authority_key_identifier, "keyid:always");
  check(X509_sign(c.cert.get(), key_.get(), EVP_sha256()) > 0, "X509_sign (client)");
  c.label = common_name;
  return c;
}

std::vector<uint8_t> CertAuthority::ocsp_response(X509* leaf, bool revoked, int64_t this_update,
                                                  int64_t next_update) const {
  // The CA answers for its own certificates itself (RFC 6960 4.2.2.2: the issuer may sign).
  OCSP_CERTID* id = OCSP_cert_to_id(nullptr, leaf, cert_.get());
  check(id != nullptr, "OCSP_cert_to_id");
  std::unique_ptr<OCSP_BASICRESP, decltype(&OCSP_BASICRESP_free)> basic(OCSP_BASICRESP_new(), OCSP_BASICRESP_free);
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> thisupd(
      ASN1_TIME_set(nullptr, static_cast<time_t>(this_update)), ASN1_TIME_free);
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> nextupd(
      ASN1_TIME_set(nullptr, static_cast<time_t>(next_update)), ASN1_TIME_free);
  // Revoked a day before this update, reason keyCompromise.
  std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> revtime(
      ASN1_TIME_set(nullptr, static_cast<time_t>(this_update - 86400)), ASN1_TIME_free);
  const bool added =
      OCSP_basic_add1_status(basic.get(), id, revoked ? V_OCSP_CERTSTATUS_REVOKED : V_OCSP_CERTSTATUS_GOOD,
                             revoked ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0, revoked ? revtime.get() : nullptr,
                             thisupd.get(), nextupd.get()) != nullptr;
  OCSP_CERTID_free(id);
  check(added, "OCSP_basic_add1_status");
  check(OCSP_basic_sign(basic.get(), cert_.get(), key_.get(), EVP_sha256(), nullptr, 0) == 1, "OCSP_basic_sign");
  // OCSP_basic_sign sets producedAt to the real clock, which in a simulated month can fall after
  // nextUpdate. A responder produces the response when it computes its status: producedAt is
  // set to thisUpdate, and the response data signed again with the algorithm OCSP_basic_sign
  // chose (the get0 accessors give the response's own fields, which it owns and we may change).
  auto* produced = const_cast<ASN1_GENERALIZEDTIME*>(OCSP_resp_get0_produced_at(basic.get()));
  check(ASN1_GENERALIZEDTIME_set(produced, static_cast<time_t>(this_update)) != nullptr, "producedAt");
  check(ASN1_item_sign(ASN1_ITEM_rptr(OCSP_RESPDATA), const_cast<X509_ALGOR*>(OCSP_resp_get0_tbs_sigalg(basic.get())),
                       nullptr, const_cast<ASN1_OCTET_STRING*>(OCSP_resp_get0_signature(basic.get())),
                       OCSP_resp_get0_respdata(basic.get()), key_.get(), EVP_sha256()) > 0,
        "ASN1_item_sign (OCSP response)");
  std::unique_ptr<OCSP_RESPONSE, decltype(&OCSP_RESPONSE_free)> resp(
      OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()), OCSP_RESPONSE_free);
  check(resp != nullptr, "OCSP_response_create");
  unsigned char* der = nullptr;
  const int len = i2d_OCSP_RESPONSE(resp.get(), &der);
  check(len > 0, "i2d_OCSP_RESPONSE");
  std::vector<uint8_t> out(der, der + len);
  OPENSSL_free(der);
  return out;
}

std::string CertAuthority::certificate_pem() const { return to_pem(cert_.get()); }

Credential self_signed(const LeafSpec& spec) {
  Credential c;
  c.key = generate_key(spec.key);
  const std::string cn = spec.names.empty() ? std::string("unnamed") : spec.names.front();
  c.cert = make_cert(cn, "self-signed", spec.not_before, spec.not_after, 1, c.key.get());
  X509_set_issuer_name(c.cert.get(), X509_get_subject_name(c.cert.get()));
  add_leaf_extensions(c.cert.get(), c.cert.get(), spec.names);
  check(X509_sign(c.cert.get(), c.key.get(), EVP_sha256()) > 0, "X509_sign (self-signed)");
  c.label = cn + " (self-signed)";
  return c;
}

namespace {
constexpr int64_t root_not_before = 946684800;  // 2000-01-01T00:00:00Z
constexpr int64_t root_not_after = 4102444799;  // 2099-12-31T23:59:59Z
}  // namespace

CertStore::CertStore(KeyType root_key)
    : trusted_("deploysim Local Root CA", root_not_before, root_not_after, root_key),
      untrusted_("Untrusted Root CA", root_not_before, root_not_after, root_key) {}

const Credential& CertStore::leaf(const std::string& name, int64_t not_before, int64_t not_after, CertTrust trust,
                                  KeyType key, const std::vector<std::string>& alt_names) {
  Key k{name, not_before, not_after, trust, key, alt_names};
  auto it = leaves_.find(k);
  if (it != leaves_.end()) return *it->second;
  LeafSpec spec{{name}, not_before, not_after, key};
  spec.names.insert(spec.names.end(), alt_names.begin(), alt_names.end());
  if (trust == CertTrust::wrong_name) spec.names = {"other-" + name};
  Credential c;
  switch (trust) {
    case CertTrust::trusted:
    case CertTrust::wrong_name:
      c = trusted_.issue(spec);
      break;
    case CertTrust::untrusted_ca:
      c = untrusted_.issue(spec);
      break;
    case CertTrust::untrusted_chain:
      c = untrusted_.issue(spec, true);
      break;
    case CertTrust::self_signed:
      c = self_signed(spec);
      break;
  }
  auto& slot = leaves_[k];
  slot = std::make_unique<Credential>(std::move(c));
  return *slot;
}

const Credential& CertStore::client(bool trusted) {
  auto& slot = clients_[trusted ? 0 : 1];
  if (!slot)
    slot = std::make_unique<Credential>(
        (trusted ? trusted_ : untrusted_).issue_client("alice (client)", root_not_before, root_not_after));
  return *slot;
}

const std::vector<uint8_t>& CertStore::ocsp(const Credential& leaf, bool revoked, int64_t this_update) {
  auto& slot = ocsp_[{leaf.cert.get(), revoked, this_update}];
  // A week's validity, as public CAs' responders commonly give (RFC 6960 leaves it to the CA).
  if (slot.empty()) slot = trusted_.ocsp_response(leaf.cert.get(), revoked, this_update, this_update + 7 * 86400);
  return slot;
}

}  // namespace deploysim::loopback
