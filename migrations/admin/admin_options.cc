#include "migrations/admin/admin_options.h"

#include <charconv>

namespace leasehold::admin {

namespace {

bool knownCommand(const std::string& command) {
  return command == "db-init" || command == "db-upgrade" || command == "db-version" ||
         command == "lease-import";
}

std::string typeOf(const std::string& backend) {
  if (backend == "pgsql") {
    return "postgresql";
  }
  return backend;  // "mysql" and "memfile" are their own lease-database types
}

std::optional<uint16_t> parsePort(const std::string& text) {
  unsigned value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 || value > 65535) {
    return std::nullopt;
  }
  return static_cast<uint16_t>(value);
}

}  // namespace

std::string adminUsage() {
  return "usage: leasehold-admin COMMAND BACKEND [options]\n"
         "\n"
         "COMMAND is one of:\n"
         "  db-init       create the Leasehold lease schema in an empty database\n"
         "  db-upgrade    apply the schema migrations the database does not have yet\n"
         "  db-version    print the schema version of the database\n"
         "  lease-import  copy leases from a Kea 2.2 lease database or a Kea memfile lease file\n"
         "BACKEND is pgsql or mysql; lease-import also writes to memfile (-n is then the lease\n"
         "file, which holds one family).\n"
         "\n"
         "Connection options (as kea-admin's):\n"
         "  -h, --host HOST          database server host (default localhost)\n"
         "  -P, --port PORT          database server TCP port (default: the backend's)\n"
         "  -u, --user USER          database user\n"
         "  -p, --password PASSWORD  database password\n"
         "  -n, --name NAME          database name, or memfile lease file (required)\n"
         "\n"
         "lease-import options:\n"
         "  --kea-backend pgsql|mysql  the Kea database to read; its connection options are\n"
         "  --kea-host, --kea-port, --kea-user, --kea-password, --kea-name (host, port, user\n"
         "                             and password default to the target's)\n"
         "  -i, --input FILE           a Kea memfile lease file (CSV) to read instead\n"
         "  -4, -6                     import only DHCPv4 or only DHCPv6 leases\n"
         "  --threads N                concurrent writers (default 16)\n";
}

Result<AdminOptions, std::string> parseAdminOptions(const std::vector<std::string>& args) {
  AdminOptions options;
  if (args.empty()) {
    return makeUnexpected(
        std::string("missing command; expected db-init, db-upgrade, db-version or lease-import"));
  }
  if (args[0] == "--help" || args[0] == "help") {
    return makeUnexpected(std::string("help"));
  }
  options.command = args[0];
  if (!knownCommand(options.command)) {
    return makeUnexpected("unknown command \"" + options.command +
                          "\"; expected db-init, db-upgrade, db-version or lease-import");
  }
  const bool import = options.command == "lease-import";
  if (args.size() < 2 ||
      (args[1] != "pgsql" && args[1] != "mysql" && !(import && args[1] == "memfile"))) {
    return makeUnexpected("missing or unknown backend after " + options.command +
                          (import ? "; expected pgsql, mysql or memfile" : "; expected pgsql or mysql"));
  }
  options.backend = args[1];
  options.target.type = typeOf(options.backend);

  bool kea_host_set = false;
  bool kea_port_set = false;
  bool kea_user_set = false;
  bool kea_password_set = false;
  for (size_t i = 2; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-4") {
      options.v6 = false;
      continue;
    }
    if (flag == "-6") {
      options.v4 = false;
      continue;
    }
    if (i + 1 >= args.size()) {
      return makeUnexpected("option " + flag + " needs a value, or is unknown");
    }
    const std::string& value = args[++i];
    if (flag == "-h" || flag == "--host") {
      options.target.host = value;
    } else if (flag == "-P" || flag == "--port" || flag == "--kea-port") {
      const auto port = parsePort(value);
      if (!port) {
        return makeUnexpected("invalid port \"" + value + "\" for " + flag + ": expected 1-65535");
      }
      (flag == "--kea-port" ? options.kea.port : options.target.port) = *port;
      kea_port_set = kea_port_set || flag == "--kea-port";
    } else if (flag == "-u" || flag == "--user") {
      options.target.user = value;
    } else if (flag == "-p" || flag == "--password") {
      options.target.password = value;
    } else if (flag == "-n" || flag == "--name") {
      options.target.name = value;
    } else if (flag == "-i" || flag == "--input") {
      options.input_file = value;
    } else if (flag == "--kea-backend") {
      if (value != "pgsql" && value != "mysql") {
        return makeUnexpected("invalid --kea-backend \"" + value + "\": expected pgsql or mysql");
      }
      options.kea_backend = value;
      options.kea.type = typeOf(value);
    } else if (flag == "--kea-host") {
      options.kea.host = value;
      kea_host_set = true;
    } else if (flag == "--kea-user") {
      options.kea.user = value;
      kea_user_set = true;
    } else if (flag == "--kea-password") {
      options.kea.password = value;
      kea_password_set = true;
    } else if (flag == "--kea-name") {
      options.kea.name = value;
    } else if (flag == "--threads") {
      const auto count = parsePort(value);
      if (!count || *count > 256) {
        return makeUnexpected("invalid --threads \"" + value + "\": expected 1-256");
      }
      options.threads = *count;
    } else {
      return makeUnexpected("unknown option \"" + flag + "\"");
    }
  }

  if (options.target.name.empty()) {
    return makeUnexpected(std::string("missing database name: pass -n NAME"));
  }
  if (!options.v4 && !options.v6) {
    return makeUnexpected(std::string("-4 and -6 exclude each other"));
  }
  if (import) {
    if (options.backend == "memfile" && !options.kea_backend.empty() && options.v4 == options.v6) {
      return makeUnexpected(std::string(
          "a memfile lease file holds one family: pass -4 or -6 with --kea-backend"));
    }
    if (options.kea_backend.empty() == options.input_file.empty()) {
      return makeUnexpected(std::string(
          "lease-import needs exactly one source: --kea-backend pgsql|mysql or -i FILE"));
    }
    if (!options.kea_backend.empty()) {
      if (options.kea.name.empty()) {
        return makeUnexpected(std::string("missing Kea database name: pass --kea-name NAME"));
      }
      if (!kea_host_set) {
        options.kea.host = options.target.host;
      }
      if (!kea_port_set && options.kea_backend == options.backend) {
        options.kea.port = options.target.port;
      }
      if (!kea_user_set) {
        options.kea.user = options.target.user;
      }
      if (!kea_password_set) {
        options.kea.password = options.target.password;
      }
    }
  }
  return options;
}

}  // namespace leasehold::admin
