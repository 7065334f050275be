// nginx as teams lay it out on a server (Debian's /etc/nginx: nginx.conf whose http {} includes
// conf.d/*.conf and sites-enabled/*, snippets/ included by the sites), read as nginx reads it.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "deploysim/scenario.hpp"
#include "import/import.hpp"
#include "import_fixtures.hpp"

using namespace deploysim;
using namespace import_test;

namespace {

const std::string unit = "[Service]\nExecStart=/usr/bin/uvicorn shop.main:app --host 0.0.0.0 --port 8000\n";

}  // namespace

TEST_CASE("nginx layout: session affinity (sticky, route=, drain) is open-source nginx's since 1.29.6") {
  const std::string upstreams =
      "upstream shop_api {\n"
      "    sticky cookie srv_id expires=1h path=/;\n"
      "    server 10.0.0.21:8000 route=a;\n"
      "    server 10.0.0.22:8000 route=b drain;\n"
      "    server 10.0.0.23:8000 slow_start=30s;\n"
      "}\n"
      "server {\n"
      "    listen 443 ssl;\n"
      "    server_name shop.example.com;\n"
      "    ssl_certificate /etc/letsencrypt/live/shop.example.com/fullchain.pem;\n"
      "    ssl_certificate_key /etc/letsencrypt/live/shop.example.com/privkey.pem;\n"
      "    location / { proxy_pass http://shop_api; }\n"
      "}\n";
  const imp::ImportResult r = import_files({{"api.service", unit, true}, {"conf.d/shop.conf", upstreams, true}});
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:2",
                  "sticky cookie srv_id expires=1h path=/: not modelled: session affinity (open-source nginx since "
                  "1.29.6"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:2", "(10.0.0.21:8000)"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:3",
                  "route=a: not modelled: a parameter of nginx's session affinity"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:4", "drain: not modelled"));
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:4", "Open-source nginx has it since 1.29.6"));
  CHECK_FALSE(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:3", "NGINX Plus, nginx's commercial"));
  // slow_start= is still NGINX Plus's own: open-source nginx refuses it.
  CHECK(has_entry(r, imp::EntryKind::ignored, "conf.d/shop.conf:5",
                  "slow_start=30s: a parameter of NGINX Plus, nginx's commercial edition"));
  // In Korean too.
  const imp::ImportResult k =
      imp::import_texts({{"api.service", unit, true}, {"conf.d/shop.conf", upstreams, true}}, ko());
  CHECK(has_entry(k, imp::EntryKind::ignored, "conf.d/shop.conf:4", "1.29.6부터"));
}
