#include "sip_message.h"

#include <osipparser2/osip_parser.h>

#include <algorithm>
#include <cctype>
#include <cstdarg>
#include <charconv>
#include <memory>
#include <mutex>

namespace relaysync::transport_sip {

namespace {

void ignoreTrace(const char*, int, osip_trace_level_t, const char*, va_list) {}

struct MessageDeleter {
    void operator()(osip_message_t* message) const noexcept { osip_message_free(message); }
};

std::string unquote(const char* value) {
    if (!value) return {};
    std::string text(value);
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    return text;
}

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
    return text;
}

// osip's *_to_str functions allocate; this takes the result over.
template <class Header, class ToStr>
std::string headerText(Header* header, ToStr to_str) {
    char* text = nullptr;
    if (!header || to_str(header, &text) != 0 || !text) return {};
    std::string copy(text);
    osip_free(text);
    return copy;
}

std::string account(const osip_uri_t* uri) {
    if (!uri || !uri->username || !uri->host) return {};
    return std::string(uri->username) + "@" + uri->host;
}

std::optional<Challenge> challengeFrom(osip_www_authenticate_t* header, bool proxy) {
    if (!header || !header->auth_type || lower(header->auth_type) != "digest") return std::nullopt;
    Challenge challenge;
    challenge.proxy = proxy;
    challenge.realm = unquote(header->realm);
    challenge.nonce = unquote(header->nonce);
    challenge.opaque = unquote(header->opaque);
    const std::string algorithm = lower(unquote(header->algorithm));
    if (algorithm.empty() || algorithm == "md5") challenge.algorithm = "MD5";
    else if (algorithm == "sha-256") challenge.algorithm = "SHA-256";
    else return std::nullopt;
    const std::string qop = lower(unquote(header->qop_options));
    for (std::size_t start = 0; start <= qop.size();) {
        auto end = qop.find(',', start);
        if (end == std::string::npos) end = qop.size();
        std::string option = qop.substr(start, end - start);
        option.erase(std::remove_if(option.begin(), option.end(), [](unsigned char c) { return std::isspace(c); }), option.end());
        challenge.qop_auth = challenge.qop_auth || option == "auth";
        start = end + 1;
    }
    if (!qop.empty() && !challenge.qop_auth) return std::nullopt;  // only auth-int offered
    challenge.stale = lower(unquote(header->stale)) == "true";
    if (challenge.realm.empty() || challenge.nonce.empty()) return std::nullopt;
    return challenge;
}

// SHA-256 over MD5 when the server offers both (RFC 8760 §2.4: the first one we support, but
// prefer the stronger).
std::optional<Challenge> strongest(osip_list_t* list, bool proxy) {
    std::optional<Challenge> best;
    for (int i = 0; i < osip_list_size(list); ++i) {
        auto candidate = challengeFrom(static_cast<osip_www_authenticate_t*>(osip_list_get(list, i)), proxy);
        if (candidate && (!best || (best->algorithm == "MD5" && candidate->algorithm == "SHA-256"))) best = candidate;
    }
    return best;
}

std::optional<std::int64_t> number(const char* text) {
    if (!text) return std::nullopt;
    std::string_view view(text);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(view.data(), view.data() + view.size(), value);
    if (view.empty() || error != std::errc() || end != view.data() + view.size() || value < 0) return std::nullopt;
    return value;
}

// The expiry asked for or granted; `malformed` when one is given that is not a whole number up
// to 2^31 (RFC 3261 §20.19).
std::optional<std::int64_t> expiresOf(osip_message_t* message, bool& malformed) {
    const auto checked = [&](const char* text) -> std::optional<std::int64_t> {
        const auto value = number(text);
        malformed = !value || *value > 0x7fffffff;
        return malformed ? std::nullopt : value;
    };
    osip_contact_t* contact = nullptr;
    if (osip_message_get_contact(message, 0, &contact) >= 0 && contact) {
        osip_generic_param_t* param = nullptr;
        if (osip_contact_param_get_byname(contact, const_cast<char*>("expires"), &param) >= 0 && param)
            return checked(param->gvalue);
    }
    osip_header_t* header = nullptr;
    if (osip_message_get_expires(message, 0, &header) >= 0 && header) return checked(header->hvalue);
    return std::nullopt;
}

std::optional<DigestAnswer> authorizationOf(osip_message_t* message) {
    osip_authorization_t* header = nullptr;
    if (osip_message_get_authorization(message, 0, &header) < 0 || !header || !header->auth_type ||
        lower(header->auth_type) != "digest")
        return std::nullopt;
    DigestAnswer answer;
    answer.username = unquote(header->username);
    answer.realm = unquote(header->realm);
    answer.nonce = unquote(header->nonce);
    answer.uri = unquote(header->uri);
    answer.response = lower(unquote(header->response));
    answer.algorithm = unquote(header->algorithm);
    answer.qop = lower(unquote(header->message_qop));
    answer.nc = lower(unquote(header->nonce_count));
    answer.cnonce = unquote(header->cnonce);
    answer.opaque = unquote(header->opaque);
    return answer;
}

// The head of a too_large frame with its Content-Length saying 0: libosip2 refuses a message
// whose body is shorter than announced, and only the head is wanted (to answer it).
std::string headWithoutBody(const std::string& head) {
    std::string text;
    std::size_t start = 0;
    while (start < head.size()) {
        auto end = head.find("\r\n", start);
        end = end == std::string::npos ? head.size() : end + 2;
        const std::string line = head.substr(start, end - start);
        std::string name = lower(line.substr(0, line.find(':')));
        name.erase(name.find_last_not_of(" \t") + 1);
        text += name == "content-length" || name == "l" ? "Content-Length: 0\r\n" : line;
        start = end;
    }
    return text;
}

}  // namespace

ParseResult parseSip(const Frame& frame) {
    static std::once_flag initialised;
    std::call_once(initialised, [] {
        parser_init();
        // osip would print its complaints about network input to stdout; parseSip's error goes
        // to our log instead.
        osip_trace_initialize_func(END_TRACE_LEVEL, &ignoreTrace);
        for (int level = 0; level < END_TRACE_LEVEL; ++level) osip_trace_disable_level(static_cast<osip_trace_level_t>(level));
    });

    // libosip2 appends each header to a list at a cost that grows with the list: a head of
    // thousands of tiny headers costs tens of ms. None of ours, or a proxy's, has more than a few
    // dozen lines.
    if (std::count(frame.head.begin(), frame.head.end(), '\n') > kMaxHeaderLines)
        return {std::nullopt, "more than " + std::to_string(kMaxHeaderLines) + " header lines"};
    osip_message_t* raw = nullptr;
    if (osip_message_init(&raw) != 0) return {std::nullopt, "out of memory"};
    std::unique_ptr<osip_message_t, MessageDeleter> parsed(raw);
    const std::string bytes = frame.kind == Frame::Kind::too_large ? headWithoutBody(frame.head) : frame.head + frame.body;
    if (osip_message_parse(raw, bytes.data(), bytes.size()) != 0) return {std::nullopt, "not a SIP message"};

    SipMessage message;
    message.is_request = MSG_IS_REQUEST(raw);
    if (message.is_request) {
        if (!raw->sip_method || !raw->req_uri) return {std::nullopt, "no request line"};
        message.method = raw->sip_method;
        message.request_uri = headerText(raw->req_uri, osip_uri_to_str);
    } else {
        message.status = raw->status_code;
        if (message.status < 100 || message.status > 699) return {std::nullopt, "a status code out of range"};
        message.reason = raw->reason_phrase ? raw->reason_phrase : "";
    }
    if (!raw->from || !raw->to || !raw->call_id || !raw->cseq || !raw->cseq->number || !raw->cseq->method)
        return {std::nullopt, "From, To, Call-ID or CSeq missing"};
    for (int i = 0; i < osip_list_size(&raw->vias); ++i)
        message.vias.push_back(headerText(static_cast<osip_via_t*>(osip_list_get(&raw->vias, i)), osip_via_to_str));
    if (message.vias.empty()) return {std::nullopt, "no Via"};
    osip_generic_param_t* branch = nullptr;
    if (osip_via_param_get_byname(static_cast<osip_via_t*>(osip_list_get(&raw->vias, 0)), const_cast<char*>("branch"), &branch) >= 0 &&
        branch && branch->gvalue)
        message.top_branch = branch->gvalue;
    message.from_header = headerText(raw->from, osip_from_to_str);
    message.to_header = headerText(raw->to, osip_to_to_str);
    message.from_account = account(raw->from->url);
    message.to_account = account(raw->to->url);
    osip_generic_param_t* tag = nullptr;
    if (osip_to_get_tag(raw->to, &tag) >= 0 && tag && tag->gvalue) message.to_tag = tag->gvalue;
    message.call_id = headerText(raw->call_id, osip_call_id_to_str);
    const auto cseq = number(raw->cseq->number);
    if (!cseq || *cseq > 0x7fffffff) return {std::nullopt, "a malformed CSeq"};
    message.cseq = static_cast<std::uint32_t>(*cseq);
    if (!message.is_request) message.method = raw->cseq->method;
    else if (message.method != raw->cseq->method) return {std::nullopt, "CSeq's method is not the request's"};
    if (raw->content_type && raw->content_type->type && raw->content_type->subtype)
        message.content_type = lower(std::string(raw->content_type->type) + "/" + raw->content_type->subtype);
    if (message.status == 401) message.challenge = strongest(&raw->www_authenticates, false);
    if (message.status == 407) message.challenge = strongest(&raw->proxy_authenticates, true);
    if ((message.status >= 200 && message.status < 300) || message.method == "REGISTER") message.expires = expiresOf(raw, message.expires_malformed);
    if (message.is_request) message.authorization = authorizationOf(raw);
    message.body = frame.body;  // the framer's exact bytes, not osip's copy
    return {std::move(message), {}};
}

std::string formatRequest(const OutgoingRequest& r) {
    std::string text;
    text.reserve(512 + r.body.size());
    text += r.method + " " + r.request_uri + " SIP/2.0\r\n";
    text += "Via: SIP/2.0/" + r.via_transport + " " + r.via_sent_by + ";branch=" + r.branch + ";rport\r\n";
    text += "Max-Forwards: 70\r\n";
    text += "From: <" + r.from_uri + ">;tag=" + r.from_tag + "\r\n";
    text += "To: <" + r.to_uri + ">\r\n";
    text += "Call-ID: " + r.call_id + "\r\n";
    text += "CSeq: " + std::to_string(r.cseq) + " " + r.method + "\r\n";
    if (!r.contact_uri.empty()) text += "Contact: <" + r.contact_uri + ">\r\n";
    if (r.expires) text += "Expires: " + std::to_string(*r.expires) + "\r\n";
    if (!r.authorization_header.empty()) text += r.authorization_header + ": " + r.authorization + "\r\n";
    text += "User-Agent: relaysync\r\n";
    if (!r.content_type.empty()) text += "Content-Type: " + r.content_type + "\r\n";
    text += "Content-Length: " + std::to_string(r.body.size()) + "\r\n\r\n";
    text += r.body;
    return text;
}

std::string formatResponse(const SipMessage& request, int status, const std::string& reason, const std::string& to_tag,
                           const std::vector<std::string>& extra_headers) {
    std::string text = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\n";
    for (const auto& via : request.vias) text += "Via: " + via + "\r\n";
    text += "From: " + request.from_header + "\r\n";
    text += "To: " + request.to_header + (request.to_tag.empty() && !to_tag.empty() ? ";tag=" + to_tag : "") + "\r\n";
    text += "Call-ID: " + request.call_id + "\r\n";
    text += "CSeq: " + std::to_string(request.cseq) + " " + request.method + "\r\n";
    for (const auto& header : extra_headers) text += header + "\r\n";
    text += "Content-Length: 0\r\n\r\n";
    return text;
}

}  // namespace relaysync::transport_sip
