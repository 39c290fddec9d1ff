#include "close_reason.h"

#include "frame.h"
#include "wire.h"

namespace relaysync::transport_direct {

CloseReason closeReasonOf(const std::exception_ptr& failure) {
    try {
        std::rethrow_exception(failure);
    } catch (const DialFailure& e) {
        return {CloseReason::Kind::unreachable, e.what()};
    } catch (const Refusal& e) {
        return {CloseReason::Kind::refused, e.what()};
    } catch (const FrameError& e) {
        return {CloseReason::Kind::refused, std::string("protocol violation: ") + e.what()};
    } catch (const TlsError& e) {
        return {CloseReason::Kind::refused, e.what()};
    } catch (const std::exception& e) {
        return {CloseReason::Kind::lost, e.what()};
    } catch (...) {
        return {CloseReason::Kind::lost, "unexpected failure"};
    }
}

}  // namespace relaysync::transport_direct
