// Service<Family>: runs a DHCP engine on worker threads fed by the family's packet I/O, and
// holds the current configuration runtime, which a reload replaces without stopping traffic.
// Family is Family4 (server/dhcp4/family4.h) or Family6 (server/dhcp6/family6.h); it supplies
// the packet, runtime, engine and I/O types and the statistics each step bumps.
//
// Threads: start(), stop(), setRuntime() and setEnabled() are called from the daemon's main
// thread. Workers see a new runtime through a version counter, so the packet path takes no
// shared lock per packet.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "backends/clock.h"
#include "backends/lease_store.h"
#include "backends/log.h"
#include "server/engine/drop_reason.h"

namespace leasehold::daemon {

template <typename Family>
class Service {
 public:
  using Runtime = typename Family::Runtime;
  using Engine = typename Family::Engine;
  using Io = typename Family::Io;
  using Received = typename Family::Received;
  using Addresses = typename Family::Addresses;

  Service(LeaseStore& store, const Clock& clock) : engine_(store, clock) {}
  ~Service() { stop(); }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  Engine& engine() { return engine_; }

  // Starts `workers` threads serving `io`, each reading up to `receive_batch` datagrams per
  // wake-up. REQUIRES: setRuntime() was called once.
  void start(std::unique_ptr<Io> io, Addresses addresses, size_t workers,
             size_t receive_batch = kReceiveBatch) {
    io_ = std::move(io);
    addresses_ = std::move(addresses);
    receive_batch_ = std::max<size_t>(receive_batch, 1);
    stopping_ = false;
    for (size_t i = 0; i < std::max<size_t>(workers, 1); ++i) {
      workers_.emplace_back([this] { workerLoop(); });
    }
  }

  // Stops the workers once the packets they hold are processed, and closes the sockets.
  void stop() {
    if (workers_.empty()) {
      return;
    }
    stopping_ = true;
    io_->wake();
    for (auto& worker : workers_) {
      worker.join();
    }
    workers_.clear();
    io_.reset();
  }

  // Publishes a new runtime; each worker picks it up before its next packet.
  void setRuntime(std::shared_ptr<Runtime> runtime) {
    std::lock_guard lock(runtime_mutex_);
    runtime_ = std::move(runtime);
    runtime_version_.fetch_add(1, std::memory_order_release);
  }

  std::shared_ptr<Runtime> runtime() const {
    std::lock_guard lock(runtime_mutex_);
    return runtime_;
  }

  // dhcp-disable / dhcp-enable: while disabled, queries are dropped and counted.
  void setEnabled(bool enabled) { enabled_.store(enabled); }
  bool enabled() const { return enabled_.load(); }

 private:
  // Datagrams read per wake-up by default: fewer system calls under load at little latency
  // cost, as long as processing one does not block.
  static constexpr size_t kReceiveBatch = 8;
  static constexpr std::chrono::milliseconds kReceiveTimeout{500};
  // A query that waited longer than this between its arrival and a worker is dropped unread.
  // When queries arrive faster than the server processes them, the socket's queue (4 MiB, some
  // thousand queries) grows until every reply is too late for its client, and the work spent
  // on it is wasted. With a lease database, the rate of replies in time fell to a third of the
  // server's capacity. Dropping the stale queries keeps the other replies in time, and their
  // clients retransmit as after any loss. Kea bounds its queue by a count instead
  // (packet-queue-size), which bounds the wait only at one rate.
  static constexpr std::chrono::milliseconds kMaxQueueWait{500};

  void workerLoop() {
    std::vector<Received> batch(receive_batch_);
    std::shared_ptr<Runtime> runtime;
    uint64_t seen_version = 0;
    while (!stopping_.load(std::memory_order_relaxed)) {
      const size_t count = io_->receive(batch, kReceiveTimeout);
      const uint64_t version = runtime_version_.load(std::memory_order_acquire);
      if (version != seen_version || !runtime) {
        runtime = this->runtime();
        seen_version = version;
      }
      for (size_t i = 0; i < count; ++i) {
        handle(*runtime, batch[i]);
      }
    }
  }

  // Returns true, and logs a rate-limited warning, when `received` waited longer than
  // kMaxQueueWait. Returns false for a datagram without an arrival time.
  static bool waitedTooLong(const Received& received) {
    if (received.arrived == std::chrono::system_clock::time_point{}) {
      return false;
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::system_clock::now() - received.arrived);
    if (waited <= kMaxQueueWait) {
      return false;
    }
    static log::RateLimitedLog limiter(std::chrono::seconds(10));
    if (const int64_t held_back = limiter.admit(); held_back >= 0) {
      log::warn(std::string(Family::kLogPrefix) + "_QUEUE_FULL",
                "dropped a query from {} that waited {} ms to be read, more than {} ms: queries "
                "arrive faster than the server answers them ({} similar lines held back)",
                received.transport.remote_address.toString(), waited.count(),
                kMaxQueueWait.count(), held_back);
    }
    return true;
  }

  // Decodes, processes and answers one datagram, counting every outcome.
  void handle(const Runtime& runtime, const Received& received) {
    auto& stats = runtime.stats();
    stats.received->add(1);
    if (received.truncated) {
      stats.parse_failed->add(1);
      stats.receive_drop->add(1);
      return;
    }
    if (Family::countFrameDrop(stats, received)) {
      return;
    }
    if (waitedTooLong(received)) {
      stats.queue_full->add(1);
      stats.receive_drop->add(1);
      return;
    }
    auto decoded = Family::decode(received.payload());
    if (!decoded) {
      stats.parse_failed->add(1);
      stats.receive_drop->add(1);
      if (log::debugEnabled()) {
        log::debug(std::string(Family::kLogPrefix) + "_PACKET_INVALID",
                   "dropped a malformed packet from {}: {}",
                   received.transport.remote_address.toString(), decoded.error().detail);
      }
      return;
    }
    auto& query = *decoded;
    query.transport = received.transport;
    if (!enabled_.load(std::memory_order_relaxed)) {
      stats.receive_drop->add(1);
      return;
    }

    engine::DropReason drop = engine::DropReason::kNone;
    auto reply = engine_.process(runtime, query, addresses_, drop);
    if (!reply) {
      return;
    }
    thread_local std::vector<uint8_t> wire;
    if (!Family::encode(*reply, wire, stats) || !io_->send(reply->destination, wire)) {
      stats.send_failed->add(1);
      return;
    }
    stats.sent->add(1);
    Family::countSent(stats, reply->packet);
  }

  Engine engine_;
  std::unique_ptr<Io> io_;
  Addresses addresses_;
  size_t receive_batch_ = kReceiveBatch;
  std::vector<std::thread> workers_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> enabled_{true};

  mutable std::mutex runtime_mutex_;
  std::shared_ptr<Runtime> runtime_;  // GUARDED_BY(runtime_mutex_)
  std::atomic<uint64_t> runtime_version_{0};
};

}  // namespace leasehold::daemon
