// Which Compose files docker compose reads together as one project, as compose-go's loader
// chooses them (cli/options.go): the files `-f` names, in that order; without -f, the list in
// COMPOSE_FILE (WithConfigFileEnv), which the .env of the working folder may set; else the
// folder's compose.yaml and its override file (WithDefaultConfigPath). The merge itself is
// compose_merge.cpp's; the reading compose.cpp's.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "import/compose_internal.hpp"

namespace deploysim::import {

namespace fs = std::filesystem;

namespace {

std::string normal(const fs::path& p) { return p.lexically_normal().generic_string(); }
std::string folder_of(const std::string& name) { return fs::path(name).parent_path().generic_string(); }

// The default names, first found wins (compose-go's DefaultFileNames and DefaultOverrideFileNames).
constexpr const char* compose_names[] = {"compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"};
constexpr const char* override_names[] = {"compose.override.yml", "compose.override.yaml",
                                          "docker-compose.override.yml", "docker-compose.override.yaml"};

struct Chooser {
  const Deployment& d;
  Report& r;
  std::map<std::string, const TextFile*> by_path;                        // normal path -> file
  std::map<std::string, std::map<std::string, const TextFile*>> by_dir;  // folder -> file name -> file
  std::set<const TextFile*> taken;                                       // in a set, or said left out
  std::vector<ComposeSet> out;

  // The folder's file of the first of `names` there (with `free`, of those in no set yet).
  const TextFile* first_named(const std::string& dir, const char* const (&names)[4], bool free) const {
    const auto files = by_dir.find(dir);
    if (files == by_dir.end()) return nullptr;
    for (const char* n : names)
      if (const auto it = files->second.find(n); it != files->second.end() && !(free && taken.count(it->second)))
        return it->second;
    return nullptr;
  }

  // The folder's other Compose files, which docker compose does not read with a list given.
  void leave_out(const std::string& dir, const char* key, const std::string& how) {
    if (const auto files = by_dir.find(dir); files != by_dir.end())
      for (const auto& [name, f] : files->second)
        if (taken.insert(f).second) r.ignored({f->name, 0, 0}, r.w.format(key, how));
  }

  // The -f files in their order (one named twice is read once, where first named).
  void from_flags(const std::vector<std::string>& order) {
    ComposeSet set;
    set.merged_key = "import.compose_merged_f";
    for (const std::string& name : order)
      if (const auto it = by_path.find(normal(name)); it != by_path.end() && taken.insert(it->second).second)
        set.files.push_back(it->second);
    if (set.files.empty()) return;
    const std::string dir = folder_of(set.files.front()->name);
    // compose-go reads COMPOSE_FILE only when no -f is given.
    if (const auto env = d.dotenv.find(dir); env != d.dotenv.end())
      if (const auto v = env->second.second.find("COMPOSE_FILE"); v != env->second.second.end())
        r.ignored({env->second.first, v->second.second, 1}, r.w("import.compose_file_env_f"));
    out.push_back(std::move(set));
    leave_out(dir, "import.compose_not_in_f", "");
  }

  // A folder's .env COMPOSE_FILE: its files, relative to the folder (compose-go makes them
  // absolute from the working folder, where that .env is), split at COMPOSE_PATH_SEPARATOR.
  // False when the .env sets no COMPOSE_FILE. After an error the folder's files are not read.
  bool from_env(const std::string& dir) {
    const auto& [env_file, vars] = d.dotenv.at(dir);
    const auto list = vars.find("COMPOSE_FILE");
    if (list == vars.end()) return false;
    const SourcePos at{env_file, list->second.second, 1};
    const std::string& value = list->second.first;
    // The default separator is the OS's path list separator: ':' where servers run docker
    // compose (Linux), ';' on Windows. A list with ';' and no COMPOSE_PATH_SEPARATOR may be
    // Windows': said, since the split here is Linux's.
    std::string sep = ":";
    if (const auto s = vars.find("COMPOSE_PATH_SEPARATOR"); s != vars.end() && !s->second.first.empty())
      sep = s->second.first;
    else if (value.find(';') != std::string::npos)
      r.assumed(at, r.w("import.compose_file_separator"));
    ComposeSet set;
    set.merged_key = "import.compose_merged_env";
    set.env_pos = at;
    std::string names;
    for (size_t begin = 0;;) {
      const size_t end = value.find(sep, begin);
      const std::string item = value.substr(begin, end == std::string::npos ? std::string::npos : end - begin);
      const std::string path = normal(fs::path(dir) / item);
      const auto it = by_path.find(path);
      if (item.empty() || it == by_path.end()) {
        if (item.empty())
          r.error(at, r.w.format("import.compose_file_empty", sep));
        else
          r.error(at, r.w.format("import.compose_file_missing", item, path));
        for (const auto& [name, f] : by_dir[dir]) taken.insert(f);
        return true;
      }
      if (taken.insert(it->second).second) {
        set.files.push_back(it->second);
        names += (names.empty() ? "" : ", ") + it->second->name;
      }
      if (end == std::string::npos) break;
      begin = end + sep.size();
    }
    r.mapped(at, r.w.format("import.compose_file_env", names));
    out.push_back(std::move(set));
    leave_out(dir, "import.compose_not_in_env", where(at));
    return true;
  }
};

}  // namespace

std::vector<ComposeSet> compose_sets(const std::vector<const TextFile*>& files, const std::vector<std::string>& order,
                                     const Deployment& d, Report& r) {
  Chooser c{d, r, {}, {}, {}, {}};
  for (const TextFile* f : files) {
    c.by_path[normal(f->name)] = f;
    c.by_dir[folder_of(f->name)][fs::path(f->name).filename().string()] = f;
  }
  std::set<std::string> chosen;  // folders whose files a list chose
  if (!order.empty()) {
    c.from_flags(order);
    if (!c.out.empty()) chosen.insert(folder_of(c.out.front().files.front()->name));
  }
  // A .env beside Compose files: its COMPOSE_FILE, when set, chooses them.
  for (const auto& dotenv : d.dotenv)
    if (!chosen.count(dotenv.first) && c.by_dir.count(dotenv.first) && c.from_env(dotenv.first))
      chosen.insert(dotenv.first);
  for (const auto& [dir, names] : c.by_dir) {
    if (chosen.count(dir)) continue;
    const TextFile *base = c.first_named(dir, compose_names, true), *over = c.first_named(dir, override_names, true);
    if (base && over) {
      c.taken.insert(base);
      c.taken.insert(over);
      c.out.push_back({{base, over}, "import.compose_override", {}, {}});
    }
  }
  // Every other file alone; one that only overrides may name its folder's base in the report.
  for (const TextFile* f : files)
    if (c.taken.insert(f).second) {
      const TextFile* base = c.first_named(folder_of(f->name), compose_names, false);
      c.out.push_back({{f}, "import.compose_override", {}, base && base != f ? base->name : std::string()});
    }
  return c.out;
}

}  // namespace deploysim::import
