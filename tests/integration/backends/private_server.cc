#include "tests/integration/backends/private_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>

#include "tests/integration/backends/command_runner.h"

namespace leasehold::testing {

namespace {

constexpr const char* kUser = "leasehold";
constexpr const char* kPassword = "private-test-password";

// Asks the kernel for a free port on 127.0.0.1; another process could take it before the
// server binds it, which would make start() fail loudly rather than test the wrong thing.
uint16_t freePort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof(address);
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    throw std::runtime_error("no free TCP port on 127.0.0.1");
  }
  close(fd);
  return ntohs(address.sin_port);
}

void run(const std::vector<std::string>& argv, const std::string& step) {
  const CommandResult result = runCommand(argv);
  if (result.exit_code != 0) {
    throw std::runtime_error(step + " failed (exit " + std::to_string(result.exit_code) + "): " +
                             result.output);
  }
}

// Runs `argv` as `user` when this process is root (the servers refuse to run as root).
std::vector<std::string> asUser(const std::string& user, std::vector<std::string> argv) {
  if (geteuid() != 0) {
    return argv;
  }
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", user, "--"});
  return argv;
}

void chownTo(const std::string& path, const std::string& user) {
  if (geteuid() == 0) {
    run({"/bin/chown", "-R", user + ":" + user, path}, "chown " + path);
  }
}

}  // namespace

PrivateServer::PrivateServer(SqlBackend backend) : backend_(backend) {
  char pattern[] = "/tmp/leasehold-private-db-XXXXXX";
  if (mkdtemp(pattern) == nullptr) {
    throw std::runtime_error("mkdtemp failed");
  }
  directory_ = pattern;
  std::filesystem::permissions(directory_, std::filesystem::perms::all);
  config_.type = backend == SqlBackend::kPostgres ? "postgresql" : "mysql";
  config_.host = "127.0.0.1";
  config_.port = freePort();
  config_.user = kUser;
  config_.password = kPassword;
  config_.name = "leasehold";
  initialize();
}

PrivateServer::~PrivateServer() {
  try {
    crash();
  } catch (const std::exception&) {
    // The directory goes anyway; a server still running dies with its files.
  }
  std::error_code ignored;
  std::filesystem::remove_all(directory_, ignored);
}

std::string PrivateServer::postgresBin(const std::string& program) const {
  return "/usr/lib/postgresql/15/bin/" + program;
}

void PrivateServer::initialize() {
  const std::string data = directory_ + "/data";
  if (backend_ == SqlBackend::kPostgres) {
    std::filesystem::create_directories(data);
    chownTo(directory_, "postgres");
    run(asUser("postgres", {postgresBin("initdb"), "-D", data, "-U", "postgres", "--auth=trust",
                            "-E", "UTF8", "--locale=C.UTF-8"}),
        "initdb");
    start();
    const std::string socket = directory_;
    run(asUser("postgres", {postgresBin("psql"), "-X", "-q", "-h", socket, "-p",
                            std::to_string(config_.port), "-U", "postgres", "-c",
                            std::string("CREATE ROLE ") + kUser + " LOGIN PASSWORD '" +
                                kPassword + "'",
                            "-c", std::string("CREATE DATABASE leasehold OWNER ") + kUser}),
        "creating the PostgreSQL user");
    return;
  }
  std::filesystem::create_directories(data);
  chownTo(directory_, "mysql");
  run({"/usr/bin/mariadb-install-db", "--no-defaults", "--datadir=" + data, "--user=mysql",
       "--skip-test-db", "--auth-root-authentication-method=socket"},
      "mariadb-install-db");
  start();
  const std::string sql = std::string("CREATE DATABASE leasehold; CREATE USER '") + kUser +
                          "'@'127.0.0.1' IDENTIFIED BY '" + kPassword + "'; GRANT ALL ON *.* TO '" +
                          kUser + "'@'127.0.0.1';";
  run({"/usr/bin/mariadb", "--no-defaults", "-S", directory_ + "/mysqld.sock", "-u", "root", "-e",
       sql},
      "creating the MariaDB user");
}

void PrivateServer::start() {
  if (running_) {
    return;
  }
  const std::string data = directory_ + "/data";
  const std::string port = std::to_string(config_.port);
  if (backend_ == SqlBackend::kPostgres) {
    // pg_ctl -w returns once the server accepts connections.
    run(asUser("postgres",
               {postgresBin("pg_ctl"), "-D", data, "-l", directory_ + "/postgres.log", "-w", "-o",
                "-c listen_addresses=127.0.0.1 -c port=" + port + " -c unix_socket_directories=" +
                    directory_ + " -c max_connections=100",
                "start"}),
        "starting PostgreSQL");
    running_ = true;
    return;
  }
  const pid_t pid = fork();
  if (pid < 0) {
    throw std::runtime_error("fork failed");
  }
  if (pid == 0) {
    const std::string datadir = "--datadir=" + data;
    const std::string socket = "--socket=" + directory_ + "/mysqld.sock";
    const std::string port_option = "--port=" + port;
    const std::string log = "--log-error=" + directory_ + "/mariadb.err";
    const std::string pid_file = "--pid-file=" + directory_ + "/mariadb.pid";
    execl("/usr/sbin/mariadbd", "mariadbd", "--no-defaults", datadir.c_str(), "--user=mysql",
          socket.c_str(), port_option.c_str(), "--bind-address=127.0.0.1", "--skip-name-resolve",
          log.c_str(), pid_file.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  mariadb_pid_ = pid;
  running_ = true;
  // mariadb-admin --wait retries the connection itself until the server accepts it.
  run({"/usr/bin/mariadb-admin", "--no-defaults", "-S", directory_ + "/mysqld.sock", "-u", "root",
       "--wait=120", "--connect-timeout=2", "ping"},
      "waiting for MariaDB");
}

void PrivateServer::crash() {
  if (!running_) {
    return;
  }
  running_ = false;
  if (backend_ == SqlBackend::kPostgres) {
    run(asUser("postgres", {postgresBin("pg_ctl"), "-D", directory_ + "/data", "-m", "immediate",
                            "-w", "stop"}),
        "stopping PostgreSQL");
    return;
  }
  kill(mariadb_pid_, SIGKILL);
  int status = 0;
  waitpid(mariadb_pid_, &status, 0);
  mariadb_pid_ = -1;
}

}  // namespace leasehold::testing
