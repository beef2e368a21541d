// leasehold-admin: creates, upgrades and reports the Leasehold lease schema, and imports Kea
// leases. Exit status: 0 success, 1 failure, 2 bad command line.
#include <cstdio>
#include <iostream>
#include <memory>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "backends/lease_store_registry.h"
#include "backends/memfile/memfile_lease_store.h"
#include "backends/mysql/mysql_connection.h"
#include "backends/mysql/mysql_lease_store.h"
#include "backends/postgres/pg_connection.h"
#include "backends/postgres/postgres_lease_store.h"
#include "backends/sql/sql_error.h"
#include "migrations/admin/admin_options.h"
#include "migrations/admin/kea_lease_reader.h"
#include "migrations/admin/lease_importer.h"
#include "migrations/admin/memfile_source.h"
#include "migrations/admin/progress_bar.h"
#include "migrations/migrations.h"
#include "migrations/migrator.h"

namespace leasehold::admin {

namespace {

std::unique_ptr<sql::SqlConnection> connect(const std::string& backend,
                                            const DatabaseConfig& config) {
  if (backend == "pgsql") {
    auto text = postgres::connectionString(config);
    if (!text) {
      throw std::runtime_error(text.error());
    }
    return std::make_unique<postgres::PgConnection>(*text, false);
  }
  return std::make_unique<mysql::MysqlConnection>(config);
}

int initSchema(const AdminOptions& options) {
  auto connection = connect(options.backend, options.target);
  const auto current = migrations::readSchemaVersion(*connection);
  if (current.initialized) {
    std::cerr << "leasehold-admin: database " << options.target.redacted()
              << " already has Leasehold schema version " << current.version
              << "; use db-upgrade to bring it to the latest version\n";
    return 1;
  }
  migrations::upgrade(*connection);
  std::cout << migrations::readSchemaVersion(*connection).version << "\n";
  return 0;
}

int upgradeSchema(const AdminOptions& options) {
  auto connection = connect(options.backend, options.target);
  const auto applied = migrations::upgrade(*connection);
  for (int version : applied) {
    std::cerr << "leasehold-admin: applied migration " << version << "\n";
  }
  std::cout << migrations::readSchemaVersion(*connection).version << "\n";
  return 0;
}

int printVersion(const AdminOptions& options) {
  auto connection = connect(options.backend, options.target);
  const auto current = migrations::readSchemaVersion(*connection);
  if (!current.initialized) {
    std::cerr << "leasehold-admin: database " << options.target.redacted()
              << " has no Leasehold schema; create it with db-init\n";
    return 1;
  }
  std::cout << current.version << "\n";
  return 0;
}

template <typename LeaseT>
bool importFamily(KeaLeaseReader& reader, LeaseStore& target, size_t threads) {
  constexpr bool kV4 = std::is_same_v<LeaseT, Lease4>;
  const char* what = kV4 ? "DHCPv4 leases" : "DHCPv6 leases";
  ProgressBar progress(std::string("importing ") + what, reader.countRows(kV4));
  LeaseImporter importer(target, threads, [&](uint64_t done) { progress.update(done); });
  const auto sink = [&](ImportRecord<LeaseT> record) {
    if (!importer.stopped()) {
      importer.add(std::move(record));
    }
  };
  if constexpr (kV4) {
    reader.readLeases4(sink);
  } else {
    reader.readLeases6(sink);
  }
  const ImportSummary summary = importer.finish();
  progress.finish();
  std::cout << summary.describe(what);
  return summary.fatal.empty();
}

template <typename LeaseT>
bool importFile(const std::string& path, LeaseStore& target, size_t threads) {
  constexpr bool kV4 = std::is_same_v<LeaseT, Lease4>;
  const char* what = kV4 ? "DHCPv4 leases" : "DHCPv6 leases";
  auto contents = readLeaseFile<LeaseT>(path);
  if (!contents) {
    std::cerr << "leasehold-admin: " << contents.error() << "\n";
    return false;
  }
  ProgressBar progress(std::string("importing ") + what, contents->records.size());
  LeaseImporter importer(target, threads, [&](uint64_t done) { progress.update(done); });
  for (auto& record : contents->records) {
    if (importer.stopped()) {
      break;
    }
    importer.add(std::move(record));
  }
  const ImportSummary summary = importer.finish();
  progress.finish();
  std::cout << summary.describe(what);
  return summary.fatal.empty();
}

int importLeases(const AdminOptions& options) {
  // A memfile lease file holds one family; it decides which table is imported.
  int file_family = 0;
  if (!options.input_file.empty()) {
    const auto family = leaseFileFamily(options.input_file);
    if (!family) {
      std::cerr << "leasehold-admin: " << family.error() << "\n";
      return 1;
    }
    file_family = *family;
    if ((file_family == 4 && !options.v4) || (file_family == 6 && !options.v6)) {
      std::cerr << "leasehold-admin: " << options.input_file << " holds DHCPv" << file_family
                << " leases, which -" << (file_family == 4 ? 6 : 4) << " excludes\n";
      return 1;
    }
  }

  LeaseStoreRegistry registry;
  registerPostgresLeaseStore(registry);
  registerMysqlLeaseStore(registry);
  registerMemfileLeaseStore(registry);
  DatabaseConfig target = options.target;
  target.worker_threads = static_cast<uint32_t>(options.threads);
  target.family = file_family != 0 ? file_family : (options.v4 ? 4 : 6);
  // The import writes to a store that no server has open, so compaction is left to the server.
  target.lfc_interval = std::chrono::seconds(0);
  auto store = registry.open(target);
  if (!store) {
    std::cerr << "leasehold-admin: " << store.error().message << "\n";
    return 1;
  }

  if (file_family == 4) {
    return importFile<Lease4>(options.input_file, **store, options.threads) ? 0 : 1;
  }
  if (file_family == 6) {
    return importFile<Lease6>(options.input_file, **store, options.threads) ? 0 : 1;
  }
  auto source = connect(options.kea_backend, options.kea);
  KeaLeaseReader reader(*source);
  bool complete = true;
  if (options.v4) {
    complete = importFamily<Lease4>(reader, **store, options.threads) && complete;
  }
  if (options.v6 && complete) {
    complete = importFamily<Lease6>(reader, **store, options.threads) && complete;
  }
  return complete ? 0 : 1;
}

int run(const AdminOptions& options) {
  try {
    if (options.command == "db-init") {
      return initSchema(options);
    }
    if (options.command == "db-upgrade") {
      return upgradeSchema(options);
    }
    if (options.command == "db-version") {
      return printVersion(options);
    }
    return importLeases(options);
  } catch (const sql::SqlError& error) {
    std::cerr << "leasehold-admin: " << options.command << " failed: " << error.what() << "\n";
  } catch (const std::runtime_error& error) {
    std::cerr << "leasehold-admin: " << options.command << " failed: " << error.what() << "\n";
  }
  return 1;
}

}  // namespace

}  // namespace leasehold::admin

int main(int argc, char** argv) {
  using namespace leasehold::admin;
  // Standard output carries the results; log lines go to standard error.
  spdlog::set_default_logger(spdlog::stderr_color_mt("stderr"));
  const std::vector<std::string> args(argv + 1, argv + argc);
  auto options = parseAdminOptions(args);
  if (!options) {
    if (options.error() == "help") {
      std::cout << adminUsage();
      return 0;
    }
    std::cerr << "leasehold-admin: " << options.error() << "\n\n" << adminUsage();
    return 2;
  }
  return run(*options);
}
