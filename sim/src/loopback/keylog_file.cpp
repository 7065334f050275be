#include "deploysim/loopback/pcap_export.hpp"
#include "loopback/socket_platform.hpp"

namespace deploysim::loopback {

std::string write_keylog(const std::string& path, const Capture& capture) {
  // Session secrets: readable by the user only.
  const std::string text = keylog_text(capture);
  if (!sock::write_private_file(path, text.data(), text.size()))
    return "cannot write " + path + ": " + sock::last_error();
  return "";
}

}  // namespace deploysim::loopback
