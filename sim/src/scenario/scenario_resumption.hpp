#pragma once
// The keys of a second visit (issue #18): key-exchange groups, session tickets, 0-RTT and the
// HTTP method, read from [proxy], [[client]] and [[service]]. Private to sim/src.
#include "scenario/scenario_reader.hpp"

namespace deploysim::detail {

/// Reads groups, session_tickets, instances, ticket_keys and early_data of [proxy].
void read_proxy_resumption(TableReader& r, ProxySpec& proxy);
/// Reads resume, early_data, method and groups of a [[client]].
void read_client_resumption(TableReader& r, ClientSpec& client);

}  // namespace deploysim::detail
