#include "logging_setup.h"

#include <iostream>
#include <mutex>
#include <stdexcept>

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace relaysync::core {
namespace {

// A log file that can be reopened while other threads log: logrotate renames the file and sends
// SIGHUP; from then on lines go to a new file at the profile's path. FileChannel::close() alone
// would race with a concurrent log() (it reopens outside its own lock).
class ReopenableFileChannel final : public Poco::Channel {
public:
    explicit ReopenableFileChannel(Poco::AutoPtr<Poco::FileChannel> file) : file_(std::move(file)) {}

    void log(const Poco::Message& message) override {
        std::lock_guard lock(mutex_);
        file_->log(message);
    }

    void reopen() {
        std::lock_guard lock(mutex_);
        file_->close();
        file_->open();
    }

private:
    std::mutex mutex_;
    Poco::AutoPtr<Poco::FileChannel> file_;
};

Poco::AutoPtr<ReopenableFileChannel> log_file;

}  // namespace

void configureLogging(const LogSettings& settings) {
    Poco::AutoPtr<Poco::Channel> sink;
    if (settings.file.empty()) {
        sink = new Poco::ConsoleChannel(std::cerr);
    } else {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(settings.file));
        if (!settings.external_rotation) {
            file->setProperty("rotation", "10 M");
            file->setProperty("archive", "timestamp");
            file->setProperty("purgeCount", "5");
        }
        try {
            file->open();  // now, so that a file that cannot be written stops the start
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("log.file " + settings.file + ": " + e.displayText());
        }
        log_file = new ReopenableFileChannel(file);
        sink = log_file;
    }
    Poco::AutoPtr<Poco::PatternFormatter> format(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(format, sink));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(settings.level);
    // Loggers made before this point (by static initialisation) follow the root too.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings.level));
}

void reopenLogFile() {
    if (log_file) log_file->reopen();
}

}  // namespace relaysync::core
