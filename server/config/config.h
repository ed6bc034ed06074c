#pragma once
// The server's configuration: the current value of every Redis 7.0 parameter (directive_table.h),
// set at start-up from the config file and command line and read and changed at run time through
// CONFIG GET, SET and REWRITE, with Redis's replies and error texts.
//
// Owned by the server and used only from the thread that owns the keyspace. Invariant: every
// parameter holds a valid value in canonical form (directive_value.h) at all times; a failed Set
// changes nothing.
//
// Start-up, as redis-server does it:
//   StatusOr<CommandLine> cl = ParseCommandLine(args);               // config_file.h
//   StatusOr<std::vector<ConfigLine>> lines = ReadStartupLines(*cl, std::cin);
//   Status s = config.Load(*lines, cl->config_file);                 // fails: print, exit(1)
//   for (const std::string& name : config.IgnoredInFile()) log a warning once;

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "server/base/status.h"
#include "server/config/config_file.h"
#include "server/config/directive_table.h"
#include "server/config/directive_value.h"

namespace tandem::config {

class Config {
 public:
  // Called after CONFIG SET stored a changed value, with the parameter's new CONFIG GET text; an
  // error undoes the whole CONFIG SET. When hooks run, every parameter of that CONFIG SET already
  // holds its new value, so a hook may read any accessor.
  using ChangeHook = std::function<base::Status(const std::string& new_value)>;

  // Produces the complete lines of a file-only directive for CONFIG REWRITE (for "user", the ACL
  // module's users; none when an aclfile is used).
  using RewriteSource = std::function<std::vector<std::string>()>;

  // Who asks for a CONFIG SET.
  struct SetContext {
    // Connected over loopback or a unix socket (for enable-protected-configs local).
    bool client_is_local = false;
    // A dataset is being loaded: appendonly, dir and repl-diskless-load refuse to change.
    bool loading = false;
  };

  // Every parameter at its default; dir is the working directory.
  Config();

  // Applies start-up lines in order, as Redis does: a directive may appear many times (the last
  // wins), save lines add up (the first save line, or save "", starts afresh), file-only lines are
  // kept for FileOnlyLines, and module configs ("name.arg") are accepted and ignored. Remembers
  // `config_file` (made absolute) for Rewrite. Fails on the first bad line with
  // "<file>:<line>: '<text>': <reason>", reason being Redis's ("Bad directive or wrong number of
  // arguments", "wrong number of arguments", "argument must be a memory value", ...); the Config
  // is then partly loaded and should be dropped.
  base::Status Load(const std::vector<ConfigLine>& lines, const std::string& config_file = "");

  // Typed reads by name or alias (any case). Asking for a name the table does not have, or
  // GetBool on a non-boolean, is a bug in the caller and aborts. Each read is a hash lookup: code
  // on a hot path keeps its own copy and refreshes it from an OnChange hook.
  //
  // GetInt: integers and byte counts; a maxmemory-clients percentage reads as -N; unsigned values
  // above INT64_MAX (only maxmemory and cluster-link-sendbuf-limit can be) read as INT64_MAX. For
  // enums it is the number directive_table.cc gives the value (GetString gives its name), and for
  // notify-keyspace-events the flags of keyspace_events.h.
  int64_t GetInt(std::string_view name) const;
  bool GetBool(std::string_view name) const;
  // The value as CONFIG GET prints it: any parameter.
  const std::string& GetString(std::string_view name) const;
  std::vector<SavePoint> SavePoints() const;
  OutputBufferLimits ClientOutputBufferLimits() const;
  std::vector<std::string> BindAddresses() const;

  // The arguments (without the directive name) of every start-up line of a file-only directive
  // ("user", "rename-command", "loadmodule"), in order; empty when there were none.
  const std::vector<std::vector<std::string>>& FileOnlyLines(std::string_view directive) const;

  // Names set at start-up that Tandem accepts but does not act on, each once, in the order first
  // seen: parameters not implemented whose value ends up different from the default, and
  // rename-command, loadmodule, sentinel, deprecated and module-config lines.
  const std::vector<std::string>& IgnoredInFile() const { return ignored_in_file_; }

  // CONFIG GET: the parameters matching any of `patterns`, as (name, value) pairs. A pattern with
  // no * ? or [ is an exact name (any case, hidden parameters included) and is answered under the
  // name as given; otherwise it is a case-insensitive glob over names and aliases, hidden ones
  // left out. Each name appears once.
  std::vector<std::pair<std::string, std::string>> Get(
      const std::vector<std::string>& patterns) const;

  // CONFIG SET with (name, value) pairs: all are applied or none. Checks, in order, stopping at the
  // first problem: every name is known and settable, no name is given twice, every value is valid;
  // then stores the values and runs the hooks of the parameters that changed. Error replies, as
  // Redis 7.0 words them:
  //   ERR Unknown option or number of arguments for CONFIG SET - 'foo'
  //   ERR CONFIG SET failed (possibly related to argument 'x') - can't set immutable config
  //   ERR CONFIG SET failed (possibly related to argument 'x') - can't set protected config
  //   ERR CONFIG SET failed (possibly related to argument 'x') - duplicate parameter
  //   ERR CONFIG SET failed (possibly related to argument 'x') - argument must be a memory value
  //   LOADING Redis is loading the dataset in memory
  // A hook's failure restores every value, runs the hooks that had already succeeded again with
  // the old values, and fails with the hook's message after " - ".
  base::Status Set(const std::vector<std::pair<std::string, std::string>>& changes,
                   const SetContext& context);
  base::Status Set(const std::vector<std::pair<std::string, std::string>>& changes) {
    return Set(changes, SetContext{});
  }

  // Sets a value on the server's own behalf (REPLICAOF updating replicaof, for instance): no
  // immutability or protection check and no hooks. `name` must be a parameter (as for GetInt);
  // an invalid value fails with its error text ("Invalid master port").
  base::Status Override(std::string_view name, const std::string& value);

  // Adds a hook for a parameter (name or alias); several may be added, they run in order.
  void OnChange(std::string_view name, ChangeHook hook);

  // Lets Rewrite manage a file-only directive's lines (see RewriteSource).
  void SetRewriteSource(std::string_view directive, RewriteSource source);

  // CONFIG REWRITE (config_rewrite.h). Without a config file:
  // "ERR The server is running without a config file".
  base::Status Rewrite() const;

  // The absolute path of the config file, or empty.
  const std::string& config_file() const { return config_file_; }

 private:
  size_t IndexOf(std::string_view name) const;

  std::vector<Value> values_;                   // by index in AllDirectives()
  std::vector<std::vector<ChangeHook>> hooks_;  // by index in AllDirectives()
  std::map<std::string, std::vector<std::vector<std::string>>, std::less<>> file_only_lines_;
  std::map<std::string, RewriteSource, std::less<>> rewrite_sources_;
  std::vector<std::string> ignored_in_file_;
  std::string config_file_;
};

}  // namespace tandem::config
