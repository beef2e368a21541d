// A value-or-error return type for code paths that must not throw (the packet path and storage
// calls made from it). It mirrors the parts of C++23 std::expected that the project uses; the
// project builds as C++20 because clang 14, needed for libFuzzer, cannot compile libstdc++'s
// <expected>.
#pragma once

#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

namespace leasehold {

// The error half of a Result. Construct with `Unexpected(error)` or `makeUnexpected(error)`.
template <typename E>
class Unexpected {
 public:
  explicit Unexpected(E error) : error_(std::move(error)) {}
  const E& error() const& { return error_; }
  E&& error() && { return std::move(error_); }

 private:
  E error_;
};

template <typename E>
Unexpected<std::decay_t<E>> makeUnexpected(E&& error) {
  return Unexpected<std::decay_t<E>>(std::forward<E>(error));
}

// Holds either a T or an E. Accessing the wrong alternative is a programming error (asserted).
template <typename T, typename E>
class Result {
 public:
  Result(const T& value) : state_(std::in_place_index<0>, value) {}
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}
  template <typename G>
  Result(Unexpected<G> error) : state_(std::in_place_index<1>, std::move(error).error()) {}

  bool hasValue() const { return state_.index() == 0; }
  explicit operator bool() const { return hasValue(); }

  T& value() & {
    assert(hasValue());
    return std::get<0>(state_);
  }
  const T& value() const& {
    assert(hasValue());
    return std::get<0>(state_);
  }
  T&& value() && {
    assert(hasValue());
    return std::get<0>(std::move(state_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const E& error() const& {
    assert(!hasValue());
    return std::get<1>(state_);
  }
  E&& error() && {
    assert(!hasValue());
    return std::get<1>(std::move(state_));
  }

 private:
  std::variant<T, E> state_;
};

// Specialization for operations that return nothing on success.
template <typename E>
class Result<void, E> {
 public:
  Result() = default;
  template <typename G>
  Result(Unexpected<G> error) : error_(std::move(error).error()), failed_(true) {}

  bool hasValue() const { return !failed_; }
  explicit operator bool() const { return hasValue(); }
  const E& error() const& {
    assert(failed_);
    return error_;
  }

 private:
  E error_{};
  bool failed_ = false;
};

}  // namespace leasehold
