// Placeholder until the request-path models land (issue 4): a world with no traffic.
#include "deploysim/world.hpp"

namespace deploysim {
void install_request_path(World&) {}
}  // namespace deploysim
