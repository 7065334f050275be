// Overrides by path for [[variant]] and the GUI's what-if widgets. A path walks the TOML tree:
// table keys by name, arrays of tables by the entry's name/domain/origin/host/package/version
// (the longest run of segments that matches, since domains contain dots) or by 0-based index.
// The source text is parsed again with the values replaced, so every error stays located.
#include <algorithm>
#include <fmt/format.h>

#include "scenario/scenario_sections.hpp"
#include "scenario/scenario_values.hpp"

namespace deploysim {

namespace detail {

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= path.size()) {
    size_t end = path.find('.', start);
    if (end == std::string_view::npos) end = path.size();
    out.emplace_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string join(const std::vector<std::string>& segs, size_t from, size_t count) {
  std::string out;
  for (size_t i = from; i < from + count; ++i) out += (i > from ? "." : "") + segs[i];
  return out;
}

namespace {

// The value that names an entry of an array of tables.
std::optional<std::string> entry_name(const toml::table& entry) {
  for (const char* key : {"name", "domain", "origin", "host", "package", "version"})
    if (const auto* n = entry.get(key); n && n->is_string()) return to_lower(n->as_string()->get());
  return std::nullopt;
}

bool is_index(std::string_view s) {
  return !s.empty() && s.size() < 7 && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

EntryMatch find_entry(toml::array& arr, const std::vector<std::string>& segs, size_t from,
                      std::vector<std::string>* names) {
  EntryMatch m;
  for (size_t len = segs.size() - from - 1; len >= 1 && !m.entry; --len) {
    m.wanted = to_lower(join(segs, from, len));
    size_t matches = 0;
    for (size_t e = 0; e < arr.size(); ++e) {
      auto* entry = arr.get(e)->as_table();
      if (!entry) continue;
      const auto name = entry_name(*entry);
      if (name && len == 1 && names) names->push_back(*name);
      if ((name && *name == m.wanted) || (len == 1 && is_index(m.wanted) && std::stoul(m.wanted) == e)) {
        if (!m.entry) m.entry = entry;
        ++matches;
      }
    }
    if (matches > 1) {
      m.ambiguous = true;
      return m;
    }
    if (m.entry) m.taken = len;
  }
  return m;
}

namespace {

SourcePos file_pos(const toml::node& n) { return SourcePos{n.source().begin.line, n.source().begin.column}; }

void apply_one(toml::table& root, const Override& o, size_t index, LoadContext& ctx) {
  const std::string source_name = override_source_name(index);
  SourcePos pos = o.pos;
  const auto fail = [&](const std::string& message) { ctx.fail(pos, message); };
  const std::vector<std::string> segs = split_path(o.path);
  if (std::any_of(segs.begin(), segs.end(), [](const std::string& s) { return s.empty(); }))
    fail(fmt::format("'{}' is not a path; expected dotted keys such as \"service.api.workers\"", o.path));
  toml::table* cur = &root;
  size_t i = 0;
  while (i + 1 < segs.size()) {
    toml::node* n = cur->get(segs[i]);
    if (n && pos.line == 0 && n->source().begin.line) pos = file_pos(*n);
    if (!n) {
      // A table the file does not write yet (e.g. [dns.resolver]): start an empty one so the
      // reader can judge its keys like any other.
      auto fresh = toml::parse("v = {}", source_name);
      cur->insert_or_assign(toml::key(segs[i], fresh["v"].node()->source()), std::move(*fresh["v"].as_table()));
      n = cur->get(segs[i]);
    }
    if (n->is_table()) {
      cur = n->as_table();
      ++i;
      continue;
    }
    if (!n->is_array())
      fail(fmt::format("'{}' goes through '{}', which is a value, not a table", o.path, join(segs, 0, i + 1)));
    std::vector<std::string> names;
    const EntryMatch m = find_entry(*n->as_array(), segs, i + 1, &names);
    toml::table* found = m.entry;
    if (m.ambiguous)
      fail(fmt::format("'{}' matches several entries of '{}'; address the entry by its index (e.g. {}.0)", m.wanted,
                       join(segs, 0, i + 1), join(segs, 0, i + 1)));
    if (found) {
      if (pos.line == 0) pos = file_pos(*found);
      i += 1 + m.taken;
    }
    if (!found) {
      const std::string which = segs.size() - i > 1 ? segs[i + 1] : "";
      fail(fmt::format("'{}' has no entry named '{}'{}; address entries by name (or 0-based index), e.g. {}.{}.{}",
                       join(segs, 0, i + 1), which, did_you_mean(which, names), join(segs, 0, i + 1),
                       names.empty() ? "0" : names.front(), segs.back()));
    }
    cur = found;
  }
  if (const toml::node* old = cur->get(segs.back()); old && pos.line == 0) pos = file_pos(*old);
  if (pos.line == 0) pos = file_pos(*cur);
  ctx.overrides[source_name] = pos;
  toml::table doc;
  LoadContext value_ctx;
  try {
    check_key_depth(o.value_text, value_ctx);
  } catch (const LoadFailure& f) {
    fail(fmt::format("the value for '{}' is refused: {}", o.path, f.error.message));
  }
  try {
    doc = toml::parse("v = " + o.value_text, source_name);
  } catch (const toml::parse_error& e) {
    fail(fmt::format("the value for '{}' is not a TOML value ({}): {}", o.path, e.description(), o.value_text));
  }
  if (doc.size() != 1 || !doc.get("v"))
    fail(fmt::format("the value for '{}' must be a single TOML value, got: {}", o.path, o.value_text));
  toml::node& value = *doc.get("v");
  const toml::source_region src = value.source();
  value.visit([&](auto& v) { cur->insert_or_assign(toml::key(segs.back(), src), std::move(v)); });
}

LoadResult failed(const Scenario& base, std::string message) {
  LoadResult r;
  r.error = ScenarioError{base.source_path, 0, 0, std::move(message)};
  return r;
}

}  // namespace

void apply_overrides(toml::table& root, const std::vector<Override>& overrides, LoadContext& ctx) {
  for (size_t i = 0; i < overrides.size(); ++i) apply_one(root, overrides[i], i, ctx);
}

}  // namespace detail

LoadResult apply_variant(const Scenario& base, std::string_view variant_name) {
  // By its English name or by any language's: a Korean lesson names "갱신 꺼짐", and that is what
  // a learner types after `--variant`.
  auto named = [&](const VariantSpec& v) {
    if (v.name == variant_name) return true;
    if (const auto f = v.tr.fields.find("name"); f != v.tr.fields.end())
      for (const auto& [lang, text] : f->second)
        if (!text.empty() && text == variant_name) return true;
    return false;
  };
  const auto it = std::find_if(base.variants.begin(), base.variants.end(), named);
  if (it == base.variants.end()) {
    std::vector<std::string> names;
    std::string listed;
    for (const auto& v : base.variants) {
      names.push_back(v.name);
      listed += fmt::format("{}'{}'", listed.empty() ? "" : ", ", v.name);
      if (const auto f = v.tr.fields.find("name"); f != v.tr.fields.end())
        for (const auto& [lang, text] : f->second)
          if (!text.empty()) {
            names.push_back(text);
            listed += fmt::format(" / '{}'", text);
          }
    }
    const std::string hint = detail::did_you_mean(variant_name, names);
    if (!hint.empty()) return detail::failed(base, fmt::format("no [[variant]] named '{}'{}", variant_name, hint));
    if (listed.empty())
      return detail::failed(base, fmt::format("no [[variant]] named '{}': the scenario has none", variant_name));
    return detail::failed(base, fmt::format("no [[variant]] named '{}'; its variants: {}", variant_name, listed));
  }
  std::vector<detail::Override> overrides;
  for (const auto& [path, value] : base.overrides) overrides.push_back({path, value, {}});
  for (size_t i = 0; i < it->set.size(); ++i)
    overrides.push_back({it->set[i].first, it->set[i].second, i < it->set_pos.size() ? it->set_pos[i] : it->pos});
  return detail::load_with(base.source_text, base.source_path, overrides, fmt::format("in variant '{}': ", it->name),
                           false);
}

LoadResult set_param(const Scenario& base, std::string_view path, std::string_view toml_value) {
  return set_params(base, {{std::string(path), std::string(toml_value)}});
}

LoadResult set_params(const Scenario& base, const std::vector<std::pair<std::string, std::string>>& params,
                      size_t* blamed) {
  if (params.empty()) {
    LoadResult same;
    same.scenario = base;
    return same;
  }
  if (base.source_text.empty() && base.source_path.empty())
    return detail::failed(base, "setting a key needs a scenario loaded from a TOML file or text");
  // The first n settings over the scenario's earlier overrides (a setting replaces its own path).
  auto with = [&](size_t n, const std::string& prefix) {
    std::vector<detail::Override> overrides;
    for (const auto& earlier : base.overrides)
      if (std::none_of(params.begin(), params.begin() + static_cast<std::ptrdiff_t>(n),
                       [&](const auto& q) { return q.first == earlier.first; }))
        overrides.push_back({earlier.first, earlier.second, {}});
    for (size_t i = 0; i < n; ++i) overrides.push_back({params[i].first, params[i].second, {}});
    return detail::load_with(base.source_text, base.source_path, overrides, prefix, false);
  };
  auto named = [&](size_t i) { return fmt::format("with {} = {}: ", params[i].first, params[i].second); };
  LoadResult all = with(params.size(), params.size() == 1 ? named(0) : std::string());
  if (!all.error || params.size() == 1) {
    if (all.error && blamed) *blamed = 0;
    return all;
  }
  size_t k = params.size() - 1;
  for (size_t n = 1; n < params.size(); ++n)
    if (with(n, "").error) {
      k = n - 1;
      break;
    }
  if (blamed) *blamed = k;
  return with(params.size(), named(k));
}

}  // namespace deploysim
