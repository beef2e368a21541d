#include "migrations/admin/lease_importer.h"

namespace leasehold::admin {

namespace {

// Bounds the records read ahead of the writers, so a large table is not held in memory.
constexpr size_t kMaxQueued = 4096;
constexpr size_t kMaxExamples = 10;

}  // namespace

uint64_t ImportSummary::skippedTotal() const {
  uint64_t total = 0;
  for (const auto& [category, count] : skipped) {
    total += count;
  }
  return total;
}

std::string ImportSummary::describe(const std::string& what) const {
  std::string text = "imported " + std::to_string(imported) + " " + what + ", skipped " +
                     std::to_string(skippedTotal());
  if (!skipped.empty()) {
    text += " (";
    bool first = true;
    for (const auto& [category, count] : skipped) {
      text += (first ? "" : ", ") + std::to_string(count) + " " + category;
      first = false;
    }
    text += ")";
  }
  text += "\n";
  for (const std::string& example : examples) {
    text += "  skipped: " + example + "\n";
  }
  if (!fatal.empty()) {
    text += "import stopped early: " + fatal + "\n";
  }
  return text;
}

LeaseImporter::LeaseImporter(LeaseStore& target, size_t threads,
                             std::function<void(uint64_t)> on_done)
    : target_(target), on_done_(std::move(on_done)) {
  for (size_t i = 0; i < std::max<size_t>(threads, 1); ++i) {
    threads_.emplace_back([this] { work(); });
  }
}

LeaseImporter::~LeaseImporter() {
  if (!threads_.empty()) {
    finish();
  }
}

void LeaseImporter::add(ImportRecord<Lease4> record) {
  enqueue([this, record = std::move(record)] { write(target_.leases4(), record); });
}

void LeaseImporter::add(ImportRecord<Lease6> record) {
  enqueue([this, record = std::move(record)] { write(target_.leases6(), record); });
}

void LeaseImporter::enqueue(std::function<void()> task) {
  std::unique_lock lock(mutex_);
  space_cv_.wait(lock, [this] { return tasks_.size() < kMaxQueued; });
  tasks_.push_back(std::move(task));
  ready_cv_.notify_one();
}

void LeaseImporter::work() {
  std::unique_lock lock(mutex_);
  while (true) {
    ready_cv_.wait(lock, [this] { return finishing_ || !tasks_.empty(); });
    if (tasks_.empty()) {
      return;
    }
    auto task = std::move(tasks_.front());
    tasks_.pop_front();
    space_cv_.notify_one();
    lock.unlock();
    task();
    if (on_done_) {
      on_done_(handled_.fetch_add(1) + 1);
    }
    lock.lock();
  }
}

void LeaseImporter::skip(const std::string& category, const std::string& detail) {
  std::lock_guard lock(mutex_);
  ++summary_.skipped[category];
  if (summary_.examples.size() < kMaxExamples) {
    summary_.examples.push_back(detail);
  }
}

template <typename LeaseT>
void LeaseImporter::write(LeaseTable<LeaseT>& table, const ImportRecord<LeaseT>& record) {
  if (!record.lease) {
    skip(record.skip_category, record.key + ": " + record.skip_detail);
    return;
  }
  if (stopped_.load()) {
    skip("not attempted after the target failed", record.key);
    return;
  }
  const auto written = table.add(*record.lease);
  if (written) {
    std::lock_guard lock(mutex_);
    ++summary_.imported;
    return;
  }
  const StoreError& error = written.error();
  switch (error.code) {
    case StoreError::Code::kConflict:
      skip("already in the target", record.key + ": the target already has a lease there");
      return;
    case StoreError::Code::kInvalid:
      skip("rejected by the target", record.key + ": " + error.message);
      return;
    case StoreError::Code::kNotFound:
    case StoreError::Code::kUnavailable:
    case StoreError::Code::kInternal:
      break;
  }
  stopped_.store(true);
  skip("failed to write", record.key + ": " + error.message);
  std::lock_guard lock(mutex_);
  if (summary_.fatal.empty()) {
    summary_.fatal = error.message;
  }
}

ImportSummary LeaseImporter::finish() {
  {
    std::lock_guard lock(mutex_);
    finishing_ = true;
  }
  ready_cv_.notify_all();
  for (auto& thread : threads_) {
    thread.join();
  }
  threads_.clear();
  std::lock_guard lock(mutex_);
  return summary_;
}

}  // namespace leasehold::admin
