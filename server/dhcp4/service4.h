// Service4: runs the DHCPv4 engine on worker threads fed by a PacketIo4, and holds the
// current configuration runtime, which a reload replaces without stopping traffic.
//
// Threads: start(), stop(), setRuntime() and setEnabled() are called from the daemon's main
// thread; the workers read the runtime through a version counter, so the packet path takes no
// shared lock per packet.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "server/dhcp4/engine4.h"
#include "server/net/packet_io4.h"

namespace leasehold::dhcp4 {

class Service4 {
 public:
  Service4(LeaseStore& store, const Clock& clock) : engine_(store, clock) {}
  ~Service4() { stop(); }

  // Starts `workers` threads serving `io`. REQUIRES: setRuntime() was called once.
  void start(std::unique_ptr<net::PacketIo4> io, InterfaceAddresses addresses, size_t workers,
             uint16_t server_port, uint16_t client_port);
  // Stops the workers after the packets they hold are processed, and closes the sockets.
  void stop();

  // Publishes a new runtime; workers pick it up before their next packet.
  void setRuntime(std::shared_ptr<Runtime4> runtime);
  std::shared_ptr<Runtime4> runtime() const;

  // dhcp-disable / dhcp-enable: while disabled, queries are dropped and counted.
  void setEnabled(bool enabled) { enabled_.store(enabled); }
  bool enabled() const { return enabled_.load(); }

  bool running() const { return !workers_.empty(); }

 private:
  void workerLoop();
  void handle(const Runtime4& runtime, const net::Received4& received);

  Engine4 engine_;
  std::unique_ptr<net::PacketIo4> io_;
  InterfaceAddresses addresses_;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> enabled_{true};

  mutable std::mutex runtime_mutex_;
  std::shared_ptr<Runtime4> runtime_;  // GUARDED_BY(runtime_mutex_)
  std::atomic<uint64_t> runtime_version_{0};
};

}  // namespace leasehold::dhcp4
