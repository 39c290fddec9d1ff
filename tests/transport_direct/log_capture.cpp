#include "log_capture.h"

#include <Poco/Logger.h>

#include <cstdlib>
#include <iostream>
#include <thread>

namespace relaysync::tests {

namespace {

Poco::Logger& transportLogger() { return Poco::Logger::get("relaysync.transport.direct"); }

}  // namespace

void CaptureChannel::log(const Poco::Message& message) {
    std::lock_guard lock(mutex_);
    lines_.push_back({message.getPriority(), message.getText()});
    if (std::getenv("RELAYSYNC_TEST_LOG")) std::cerr << "[direct " << message.getPriority() << "] " << message.getText() << "\n";
}

std::vector<LogLine> CaptureChannel::lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
}

LogCapture::LogCapture() : channel_(new CaptureChannel) {
    Poco::Logger& logger = transportLogger();
    saved_channel_ = logger.getChannel();
    saved_level_ = logger.getLevel();
    // The logger shares ownership: a raw pointer would hand it ours.
    logger.setChannel(Poco::Channel::Ptr(channel_.get(), true));
    logger.setLevel(Poco::Message::PRIO_DEBUG);
}

LogCapture::~LogCapture() {
    Poco::Logger& logger = transportLogger();
    logger.setChannel(saved_channel_);
    logger.setLevel(saved_level_);
}

bool LogCapture::contains(const std::vector<std::string>& parts, Poco::Message::Priority priority) const {
    for (const auto& line : channel_->lines()) {
        if (line.priority > priority) continue;  // Poco: lower number = more severe
        bool all = true;
        for (const auto& part : parts) all = all && line.text.find(part) != std::string::npos;
        if (all) return true;
    }
    return false;
}

bool LogCapture::waitFor(const std::vector<std::string>& parts, std::chrono::milliseconds timeout,
                         Poco::Message::Priority priority) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (contains(parts, priority)) return true;
        if (std::chrono::steady_clock::now() >= deadline) return false;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
}

std::vector<std::string> LogCapture::linesWith(const std::vector<std::string>& parts) const {
    std::vector<std::string> found;
    for (const auto& line : channel_->lines()) {
        bool all = true;
        for (const auto& part : parts) all = all && line.text.find(part) != std::string::npos;
        if (all) found.push_back(line.text);
    }
    return found;
}

std::string LogCapture::text() const {
    std::string all;
    for (const auto& line : channel_->lines()) all += "  [" + std::to_string(line.priority) + "] " + line.text + "\n";
    return all;
}

}  // namespace relaysync::tests
