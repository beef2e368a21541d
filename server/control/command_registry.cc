#include "server/control/command_registry.h"

#include <mutex>
#include <stdexcept>

#include "backends/log.h"
#include "server/control/json_feed.h"

namespace leasehold::control {

namespace {

// Kea prefixes request-structure errors with this text.
constexpr std::string_view kProcessingError = "Error during command processing: ";

Json processingError(std::string_view detail) {
  return makeAnswer(ResultCode::kError, std::string(kProcessingError) + std::string(detail));
}

bool isAllowedTopLevelKey(std::string_view key) {
  return key == "command" || key == "arguments" || key == "service" || key == "remote-address";
}

}  // namespace

void CommandRegistry::add(std::string name, CommandHandler handler) {
  std::unique_lock lock(mutex_);
  auto [it, inserted] = handlers_.try_emplace(std::move(name), std::move(handler));
  if (!inserted) {
    throw std::logic_error("control command '" + it->first + "' is registered twice");
  }
}

bool CommandRegistry::contains(std::string_view name) const {
  std::shared_lock lock(mutex_);
  return handlers_.find(name) != handlers_.end();
}

std::vector<std::string> CommandRegistry::names() const {
  std::shared_lock lock(mutex_);
  std::vector<std::string> result;
  result.reserve(handlers_.size());
  for (const auto& [name, handler] : handlers_) {
    result.push_back(name);
  }
  return result;
}

CommandHandler CommandRegistry::find(std::string_view name) const {
  std::shared_lock lock(mutex_);
  const auto found = handlers_.find(name);
  return found == handlers_.end() ? CommandHandler() : found->second;
}

Json CommandRegistry::execute(const Json& request) noexcept {
  try {
    if (!request.is_object()) {
      counters_.malformed_requests++;
      return processingError("Invalid command Element specified, expected map");
    }
    const auto command = request.find("command");
    if (command == request.end()) {
      counters_.malformed_requests++;
      return processingError("Invalid answer specified, does not contain mandatory 'command'");
    }
    if (!command->is_string()) {
      counters_.malformed_requests++;
      return processingError("'command' element in command message is not a string");
    }
    for (const auto& [key, value] : request.items()) {
      if (!isAllowedTopLevelKey(key)) {
        counters_.malformed_requests++;
        return processingError("Received command contains unsupported parameter '" + key + "'");
      }
    }

    const std::string& name = command->get_ref<const std::string&>();
    const CommandHandler handler = find(name);
    if (!handler) {
      counters_.unknown_commands++;
      return makeAnswer(ResultCode::kUnsupported, "'" + name + "' command not supported.");
    }

    static const Json kNoArguments;
    const auto arguments = request.find("arguments");
    counters_.executed++;
    try {
      return handler(arguments == request.end() ? kNoArguments : *arguments);
    } catch (const CommandError& error) {
      counters_.failed_commands++;
      return makeAnswer(error.code(), error.what());
    } catch (const std::exception& error) {
      counters_.handler_exceptions++;
      log::error("CTRL_HANDLER_FAILED", "command {} failed: {}", name, error.what());
      return makeAnswer(ResultCode::kError, error.what());
    }
  } catch (...) {
    // Reached only when building an answer itself fails (out of memory).
    counters_.handler_exceptions++;
    return Json{{"result", 1}, {"text", "internal error while executing the command"}};
  }
}

Json CommandRegistry::executeText(std::string_view text) noexcept {
  try {
    Json request;
    Json error;
    if (!parseRequestText(text, request, error)) {
      counters_.malformed_requests++;
      return error;
    }
    return execute(request);
  } catch (...) {
    counters_.handler_exceptions++;
    return Json{{"result", 1}, {"text", "internal error while executing the command"}};
  }
}

Json CommandRegistry::executeForAgent(const Json& request, std::string_view service_name) noexcept {
  try {
    if (!request.is_object() || !request.contains("service")) {
      return execute(request);
    }
    const Json& services = request["service"];
    Json answers = Json::array();
    if (!services.is_array()) {
      counters_.malformed_requests++;
      answers.push_back(makeAnswer(ResultCode::kError, "service value must be a list"));
      return answers;
    }
    if (services.empty()) {
      // The agent executed the command itself; here the daemon does.
      answers.push_back(execute(request));
      return answers;
    }

    // The daemon never sees "service", as the agent forwarded the request unchanged but the
    // daemon's own parser accepts and ignores it.
    for (const Json& service : services) {
      const std::string name = service.is_string() ? service.get<std::string>() : service.dump();
      if (name == service_name) {
        answers.push_back(execute(request));
      } else {
        counters_.malformed_requests++;
        answers.push_back(makeAnswer(
            ResultCode::kError, "forwarding socket is not configured for the server type " + name));
      }
    }
    return answers;
  } catch (...) {
    counters_.handler_exceptions++;
    return Json{{"result", 1}, {"text", "internal error while executing the command"}};
  }
}

bool parseRequestText(std::string_view text, Json& request, Json& error) {
  JsonFeed feed;
  feed.append(text);
  switch (feed.state()) {
    case JsonFeed::State::kComplete:
      break;
    case JsonFeed::State::kInvalid:
      error = makeAnswer(ResultCode::kError, feed.error());
      return false;
    case JsonFeed::State::kNeedMore:
      error = makeAnswer(ResultCode::kError,
                         "incomplete JSON command of " + std::to_string(text.size()) +
                             " bytes: the text ends before the command is closed");
      return false;
  }
  std::string parse_error;
  if (!feed.parse(request, parse_error)) {
    error = makeAnswer(ResultCode::kError, parse_error);
    return false;
  }
  return true;
}

}  // namespace leasehold::control
