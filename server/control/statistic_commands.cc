// statistic-get, statistic-get-all, statistic-reset(-all), statistic-remove(-all),
// statistic-sample-age-set(-all), statistic-sample-count-set(-all), with Kea's texts.
#include "server/control/statistic_commands.h"

#include <limits>

namespace leasehold::control {

namespace {

std::string requiredName(const Json& arguments) {
  if (!arguments.is_object() || !arguments.contains("name")) {
    throw CommandError("Missing mandatory 'name' parameter.");
  }
  const Json& name = arguments["name"];
  if (!name.is_string()) {
    throw CommandError("'name' parameter expected to be a string.");
  }
  return name.get<std::string>();
}

int64_t requiredInteger(const Json& arguments, const std::string& key) {
  if (!arguments.is_object() || !arguments.contains(key)) {
    throw CommandError("Missing mandatory '" + key + "' parameter.");
  }
  const Json& value = arguments[key];
  if (!value.is_number_integer()) {
    throw CommandError("'" + key + "' parameter expected to be an integer.");
  }
  return value.get<int64_t>();
}

CommandError notFound(const std::string& name) {
  return CommandError("No '" + name + "' statistic found");
}

}  // namespace

void registerStatisticCommands(CommandRegistry& registry, stats::StatsRegistry& statistics) {
  registry.add("statistic-get", [&statistics](const Json& arguments) {
    const std::string name = requiredName(arguments);
    Json values = Json::object();
    if (stats::Statistic* statistic = statistics.find(name)) {
      values[name] = statistic->samplesJson();
    }
    return makeAnswerWithoutText(ResultCode::kSuccess, std::move(values));
  });
  registry.add("statistic-get-all", [&statistics](const Json&) {
    return makeAnswerWithoutText(ResultCode::kSuccess, statistics.allJson());
  });

  registry.add("statistic-reset", [&statistics](const Json& arguments) {
    const std::string name = requiredName(arguments);
    if (!statistics.reset(name)) {
      throw notFound(name);
    }
    return makeAnswer(ResultCode::kSuccess, "Statistic '" + name + "' reset.");
  });
  registry.add("statistic-reset-all", [&statistics](const Json&) {
    statistics.resetAll();
    return makeAnswer(ResultCode::kSuccess, "All statistics reset to neutral values.");
  });

  registry.add("statistic-remove", [&statistics](const Json& arguments) {
    const std::string name = requiredName(arguments);
    if (!statistics.remove(name)) {
      throw notFound(name);
    }
    return makeAnswer(ResultCode::kSuccess, "Statistic '" + name + "' removed.");
  });
  registry.add("statistic-remove-all", [&statistics](const Json&) {
    statistics.removeAll();
    return makeAnswer(
        ResultCode::kSuccess,
        "Warning: statistic-remove-all command is deprecated. All statistics removed.");
  });

  registry.add("statistic-sample-count-set", [&statistics](const Json& arguments) {
    const std::string name = requiredName(arguments);
    const int64_t count = requiredInteger(arguments, "max-samples");
    if (count < 0) {
      throw CommandError("'max-samples' parameter must not be negative");
    }
    if (!statistics.setMaxSamples(name, static_cast<size_t>(count))) {
      throw notFound(name);
    }
    return makeAnswer(ResultCode::kSuccess, "Statistic '" + name + "' count limit is set.");
  });
  registry.add("statistic-sample-count-set-all", [&statistics](const Json& arguments) {
    const int64_t count = requiredInteger(arguments, "max-samples");
    if (count == 0) {
      throw CommandError("'max-samples' parameter must not be zero");
    }
    if (count < 0) {
      throw CommandError("'max-samples' parameter must not be negative");
    }
    statistics.setMaxSamplesAll(static_cast<size_t>(count));
    return makeAnswer(ResultCode::kSuccess, "All statistics count limit are set.");
  });

  registry.add("statistic-sample-age-set", [&statistics](const Json& arguments) {
    const std::string name = requiredName(arguments);
    const int64_t duration = requiredInteger(arguments, "duration");
    if (duration < 0) {
      throw CommandError("'duration' parameter must not be negative");
    }
    if (!statistics.setMaxAge(name, std::chrono::seconds(duration))) {
      throw notFound(name);
    }
    return makeAnswer(ResultCode::kSuccess, "Statistic '" + name + "' duration limit is set.");
  });
  registry.add("statistic-sample-age-set-all", [&statistics](const Json& arguments) {
    const int64_t duration = requiredInteger(arguments, "duration");
    if (duration < 0) {
      throw CommandError("'duration' parameter must not be negative");
    }
    statistics.setMaxAgeAll(std::chrono::seconds(duration));
    return makeAnswer(ResultCode::kSuccess, "All statistics duration limit are set.");
  });
}

}  // namespace leasehold::control
