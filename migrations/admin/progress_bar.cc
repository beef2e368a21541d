#include "migrations/admin/progress_bar.h"

#include <unistd.h>

#include <cstdio>

namespace leasehold::admin {

namespace {

constexpr int kWidth = 30;
constexpr auto kRedrawInterval = std::chrono::milliseconds(100);

}  // namespace

ProgressBar::ProgressBar(std::string label, uint64_t total)
    : label_(std::move(label)), total_(total), enabled_(isatty(STDERR_FILENO) == 1) {}

ProgressBar::~ProgressBar() { finish(); }

void ProgressBar::update(uint64_t done) {
  if (!enabled_) {
    return;
  }
  std::lock_guard lock(mutex_);
  const auto now = std::chrono::steady_clock::now();
  last_done_ = std::max(last_done_, done);
  if (now - last_draw_ < kRedrawInterval) {
    return;
  }
  last_draw_ = now;
  draw(last_done_);
}

void ProgressBar::finish() {
  if (!enabled_) {
    return;
  }
  std::lock_guard lock(mutex_);
  if (finished_) {
    return;
  }
  finished_ = true;
  draw(last_done_);
  std::fputc('\n', stderr);
}

void ProgressBar::draw(uint64_t done) {
  const uint64_t shown = total_ == 0 ? 0 : std::min(done, total_);
  const int filled = total_ == 0 ? kWidth : static_cast<int>(shown * kWidth / total_);
  const int percent = total_ == 0 ? 100 : static_cast<int>(shown * 100 / total_);
  std::string bar(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '-');
  std::fprintf(stderr, "\r%s [%s] %3d%% %llu/%llu", label_.c_str(), bar.c_str(), percent,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_));
  std::fflush(stderr);
}

}  // namespace leasehold::admin
