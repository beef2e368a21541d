// Applies the configuration's `loggers` to spdlog: outputs (stdout, stderr, syslog, files),
// severity and debug level. The daemon's -d flag forces debug on the console.
#pragma once

#include <string_view>
#include <vector>

#include "server/config/model.h"

namespace leasehold::daemon {

// Sets up logging for `daemon_name` ("kea-dhcp4" / "kea-dhcp6" are the logger names Kea
// configurations use; "leasehold-dhcp4" is accepted too). Loggers for other names are
// ignored. Errors opening a log file fall back to stderr and are reported there.
void configureLogging(const std::vector<config::LoggerConfig>& loggers, bool debug,
                      std::string_view daemon_name);

// Console logging at info (or debug) level, used before a configuration is loaded.
void configureBootstrapLogging(bool debug);

}  // namespace leasehold::daemon
