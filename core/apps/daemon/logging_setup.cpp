#include "logging_setup.h"

#include <iostream>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace relaysync::core {

void configureLogging(const LogSettings& settings) {
    Poco::AutoPtr<Poco::Channel> sink;
    if (settings.file.empty()) {
        sink = new Poco::ConsoleChannel(std::cerr);
    } else {
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(settings.file));
        file->setProperty("rotation", "10 M");
        file->setProperty("archive", "timestamp");
        file->setProperty("purgeCount", "5");
        sink = file;
    }
    Poco::AutoPtr<Poco::PatternFormatter> format(new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i [%p] %s: %t"));
    Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(format, sink));
    Poco::Logger::root().setChannel(channel);
    Poco::Logger::root().setLevel(settings.level);
    // Loggers made before this point (by static initialisation) follow the root too.
    Poco::Logger::setChannel("", channel);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings.level));
}

}  // namespace relaysync::core
