#include "revocations.h"

#include <stdexcept>

namespace relaysync::transport_direct {

namespace {

plugin_common::CrlFile readFile(const std::string& crl_path, const std::string& ca_path) {
    try {
        return plugin_common::CrlFile(crl_path, ca_path);
    } catch (const std::runtime_error& e) {
        throw std::invalid_argument(std::string("crl: ") + e.what());
    }
}

}  // namespace

Revocations::Revocations(const std::string& crl_path, const std::string& ca_path, Poco::Logger& log)
    : file_(readFile(crl_path, ca_path)), log_(log), source_([this] { return current(); }) {
    for (const auto& concern : file_.current()->concerns()) log_.warning("crl: %s", concern);
}

std::shared_ptr<const plugin_common::CrlList> Revocations::current() {
    using Kind = plugin_common::CrlFile::Change::Kind;
    const auto change = file_.refresh();
    if (change.kind == Kind::reloaded) {
        log_.notice("crl: %s changed; now in force: %s", file_.path(), change.text);
        for (const auto& concern : file_.current()->concerns()) log_.warning("crl: %s", concern);
    } else if (change.kind == Kind::unusable) {
        log_.warning("crl: the new %s cannot be used: %s", file_.path(), change.text);
    }
    return file_.current();
}

}  // namespace relaysync::transport_direct
