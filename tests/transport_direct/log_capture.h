#pragma once
// Captures what the transport logs (Poco logger "relaysync.transport.direct", shared with the
// plugin through libPocoFoundation) for the life of the object, at every level. With
// RELAYSYNC_TEST_LOG set in the environment, the lines are also printed to stderr.

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

namespace relaysync::tests {

struct LogLine {
    Poco::Message::Priority priority;
    std::string text;
};

class CaptureChannel final : public Poco::Channel {
public:
    void log(const Poco::Message& message) override;
    std::vector<LogLine> lines() const;

private:
    mutable std::mutex mutex_;
    std::vector<LogLine> lines_;
};

class LogCapture {
public:
    LogCapture();
    ~LogCapture();
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // Waits until a line at `priority` or more severe contains every one of `parts`.
    bool waitFor(const std::vector<std::string>& parts, std::chrono::milliseconds timeout,
                 Poco::Message::Priority priority = Poco::Message::PRIO_DEBUG) const;
    bool contains(const std::vector<std::string>& parts, Poco::Message::Priority priority = Poco::Message::PRIO_DEBUG) const;
    std::string text() const;  // everything, one line each, for failure messages
    // The lines (at any level) that contain every one of `parts`.
    std::vector<std::string> linesWith(const std::vector<std::string>& parts) const;

private:
    Poco::AutoPtr<CaptureChannel> channel_;
    Poco::AutoPtr<Poco::Channel> saved_channel_;
    int saved_level_ = 0;
};

}  // namespace relaysync::tests
