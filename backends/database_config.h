// Settings of a `lease-database` (and later `hosts-database`) entry, with Kea's keys. The
// configuration parser fills this in; backends read only the fields that apply to them.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace leasehold {

struct DatabaseConfig {
  std::string type;  // "memfile", "postgresql" or "mysql"
  int family = 4;    // address family of the daemon that owns the store: 4 or 6

  // memfile
  std::string name;  // lease file path (memfile) or database name (SQL)
  bool persist = true;
  std::chrono::seconds lfc_interval{3600};  // 0 disables lease file compaction
  std::string data_dir;  // where a memfile with no `name` lives

  // SQL connection
  std::string host = "localhost";
  uint16_t port = 0;  // 0 means the backend's default port
  std::string user;
  std::string password;
  std::chrono::seconds connect_timeout{5};
  std::chrono::seconds read_timeout{0};
  std::chrono::seconds write_timeout{0};
  std::chrono::seconds tcp_user_timeout{0};
  uint32_t max_reconnect_tries = 0;
  std::chrono::milliseconds reconnect_wait_time{0};
  std::string on_fail = "stop-retry-exit";  // "stop-retry-exit", "serve-retry-exit" or "serve-retry-continue"
  bool retry_on_startup = false;
  bool readonly = false;
  uint32_t max_row_errors = 0;
  // The daemon's packet worker thread count (Kea's multi-threading thread-pool-size); SQL
  // stores size their connection pools from it. 0 means one per hardware thread.
  uint32_t worker_threads = 0;

  // TLS to the database server
  std::string trust_anchor;
  std::string cert_file;
  std::string key_file;
  std::string key_password;
  std::string cipher_list;
  std::string ssl_mode;

  // Returns "type user@host:port/name" with no password or key password, for logs.
  std::string redacted() const;
};

}  // namespace leasehold
