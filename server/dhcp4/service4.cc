#include "server/dhcp4/service4.h"

#include "backends/log.h"

namespace leasehold::dhcp4 {

namespace {

// Datagrams read per wake-up: fewer system calls under load, little latency cost.
constexpr size_t kReceiveBatch = 8;
constexpr std::chrono::milliseconds kReceiveTimeout{500};

}  // namespace

void Service4::start(std::unique_ptr<net::PacketIo4> io, InterfaceAddresses addresses,
                     size_t workers, uint16_t server_port, uint16_t client_port) {
  io_ = std::move(io);
  addresses_ = std::move(addresses);
  engine_.setServerPort(server_port);
  engine_.setClientPort(client_port);
  stopping_ = false;
  for (size_t i = 0; i < std::max<size_t>(workers, 1); ++i) {
    workers_.emplace_back([this] { workerLoop(); });
  }
}

void Service4::stop() {
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

void Service4::setRuntime(std::shared_ptr<Runtime4> runtime) {
  std::lock_guard lock(runtime_mutex_);
  runtime_ = std::move(runtime);
  runtime_version_.fetch_add(1, std::memory_order_release);
}

std::shared_ptr<Runtime4> Service4::runtime() const {
  std::lock_guard lock(runtime_mutex_);
  return runtime_;
}

void Service4::workerLoop() {
  std::vector<net::Received4> batch(kReceiveBatch);
  std::shared_ptr<Runtime4> runtime;
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

void Service4::handle(const Runtime4& runtime, const net::Received4& received) {
  GlobalStats4& stats = runtime.stats();
  stats.received->add(1);
  if (received.truncated) {
    stats.parse_failed->add(1);
    stats.receive_drop->add(1);
    return;
  }
  auto decoded = packet::decodePkt4(received.payload());
  if (!decoded) {
    stats.parse_failed->add(1);
    stats.receive_drop->add(1);
    if (log::debugEnabled()) {
      log::debug("DHCP4_PACKET_INVALID", "dropped a malformed packet from {}: {}",
                 received.transport.remote_address.toString(), decoded.error().detail);
    }
    return;
  }
  packet::Pkt4& query = *decoded;
  query.transport = received.transport;
  if (!enabled_.load(std::memory_order_relaxed)) {
    stats.receive_drop->add(1);
    return;
  }

  DropReason drop = DropReason::kNone;
  auto reply = engine_.process(runtime, query, addresses_, drop);
  if (!reply) {
    return;
  }

  thread_local std::vector<uint8_t> wire;
  packet::encodePkt4(reply->packet, wire);
  if (!io_->send(reply->destination, wire)) {
    stats.send_failed->add(1);
    return;
  }
  stats.sent->add(1);
  switch (reply->packet.messageType().value_or(packet::MessageType4::kAck)) {
    case packet::MessageType4::kOffer:
      stats.offer_sent->add(1);
      break;
    case packet::MessageType4::kAck:
      stats.ack_sent->add(1);
      break;
    case packet::MessageType4::kNak:
      stats.nak_sent->add(1);
      break;
    default:
      break;
  }
}

}  // namespace leasehold::dhcp4
